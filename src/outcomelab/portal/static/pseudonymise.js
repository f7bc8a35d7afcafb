// Pseudonymisation at the source: reads a CSV file with personal identity numbers and the lab's
// key file from the submitter's own disk, computes HMAC-SHA256 of each number's canonical
// 12-digit form with the browser's WebCrypto (the same pseudonym as `outcomelab pseudonymise`),
// and offers the result as a file to save. Nothing is sent anywhere: the page makes no request.
(function () {
  "use strict";
  var script = document.currentScript;
  var lang = (script && script.dataset.lang) || document.documentElement.lang || "sv";
  var WORDS = {
    sv: {
      noFile: "Välj filen med personnummer och nyckelfilen.",
      badKey: "Nyckelfilen är ingen nyckel: den ska vara en rad med minst 32 hexadecimala tecken.",
      noColumn: "Filen har ingen kolumn med det namnet.",
      taken: "Filen har redan en kolumn med pseudonymkolumnens namn; välj ett annat namn.",
      invalid: "{n} värden är inte giltiga personnummer (rad {rows}): {reasons}. Inget har skapats; rätta dem först.",
      others: "Andra kolumner ser också ut att innehålla personnummer: {cols}. Inget har skapats; ta bort dem eller pseudonymisera dem för sig.",
      done: "Klart: {n} rader, kolumnen {column} ersatt av {out} (nyckel-id {kid}). Ingenting skickades.",
      noCrypto: "Webbläsaren saknar WebCrypto (sidan måste öppnas över https); använd kommandot outcomelab pseudonymise.",
      reasons: { empty: "tom cell", format: "inte 10 eller 12 siffror", month: "månaden finns inte", day: "dagen finns inte", future: "födelsedatum efter uttagsdatum", serial: "födelsenummer 000", check_digit: "fel kontrollsiffra" }
    },
    en: {
      noFile: "Choose the file with identity numbers and the key file.",
      badKey: "The key file is not a key: it must be one line of at least 32 hexadecimal characters.",
      noColumn: "The file has no column of that name.",
      taken: "The file already has a column named like the pseudonym column; choose another name.",
      invalid: "{n} values are not valid identity numbers (rows {rows}): {reasons}. Nothing was made; correct them first.",
      others: "Other columns also look like identity numbers: {cols}. Nothing was made; remove them or pseudonymise them separately.",
      done: "Done: {n} rows, column {column} replaced by {out} (key id {kid}). Nothing was sent.",
      noCrypto: "This browser has no WebCrypto (open the page over https); use the command outcomelab pseudonymise.",
      reasons: { empty: "empty cell", format: "not 10 or 12 digits", month: "no such month", day: "no such day", future: "birth date after the extraction date", serial: "birth number 000", check_digit: "wrong check digit" }
    }
  }[lang === "en" ? "en" : "sv"];

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, k) { return String(values[k]); });
  }

  function decode(buffer) {
    var bytes = new Uint8Array(buffer);
    try { return new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\ufeff/, ""); }
    catch (e) { return new TextDecoder("windows-1252").decode(bytes); }
  }

  function delimiterOf(text) {
    var line = text.split(/\r?\n/, 1)[0];
    var best = ",", count = -1;
    [",", ";", "\t"].forEach(function (d) {
      var n = line.split(d).length - 1;
      if (n > count) { best = d; count = n; }
    });
    return best;
  }

  // RFC 4180 CSV with a given delimiter: quoted fields, doubled quotes, CRLF or LF.
  function parseCsv(text, d) {
    var rows = [], row = [], field = "", i = 0, quoted = false;
    while (i < text.length) {
      var c = text[i];
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
          quoted = false; i++; continue;
        }
        field += c; i++; continue;
      }
      if (c === '"' && field === "") { quoted = true; i++; continue; }
      if (c === d) { row.push(field); field = ""; i++; continue; }
      if (c === "\r") { i++; continue; }
      if (c === "\n") { row.push(field); rows.push(row); row = []; field = ""; i++; continue; }
      field += c; i++;
    }
    if (field !== "" || row.length) { row.push(field); rows.push(row); }
    return rows.filter(function (r) { return !(r.length === 1 && r[0] === ""); });
  }

  function csvField(value, d) {
    var s = String(value);
    return /["\r\n]/.test(s) || s.indexOf(d) >= 0 ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function readKey(text) {
    var t = text.trim();
    if (!/^[0-9a-fA-F]+$/.test(t) || t.length % 2 || t.length < 32) { return null; }
    var out = new Uint8Array(t.length / 2);
    for (var i = 0; i < out.length; i++) { out[i] = parseInt(t.substr(2 * i, 2), 16); }
    return out;
  }

  var form = document.getElementById("pseudo-form");
  var result = document.getElementById("pseudo-result");
  var link = document.getElementById("pseudo-download");
  var fileInput = document.getElementById("pseudo-file");
  var columnSelect = document.getElementById("pseudo-column");
  var refInput = document.getElementById("pseudo-reference-date");
  if (!form) { return; }
  form.hidden = false;
  refInput.value = new Date().toISOString().slice(0, 10);
  var table = null;

  function say(text, error) {
    result.textContent = text;
    result.className = error ? "error" : "ok";
  }

  fileInput.addEventListener("change", function () {
    var file = fileInput.files[0];
    if (!file) { return; }
    file.arrayBuffer().then(function (buffer) {
      var text = decode(buffer);
      var d = delimiterOf(text);
      var rows = parseCsv(text, d);
      table = { delimiter: d, header: rows[0] || [], body: rows.slice(1), name: file.name };
      columnSelect.innerHTML = "";
      table.header.forEach(function (name) {
        var option = document.createElement("option");
        option.value = name; option.textContent = name;
        columnSelect.appendChild(option);
      });
      var guess = table.header.filter(function (h) { return /person|pnr|personnummer/i.test(h); })[0];
      if (guess) { columnSelect.value = guess; }
    });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    link.hidden = true;
    if (!window.crypto || !window.crypto.subtle) { say(WORDS.noCrypto, true); return; }
    var keyFile = document.getElementById("pseudo-key").files[0];
    if (!table || !keyFile) { say(WORDS.noFile, true); return; }
    var column = columnSelect.value;
    var outColumn = document.getElementById("pseudo-out-column").value.trim() || "person_id";
    var at = table.header.indexOf(column);
    if (at < 0) { say(WORDS.noColumn, true); return; }
    if (outColumn !== column && table.header.indexOf(outColumn) >= 0) { say(WORDS.taken, true); return; }
    var parts = (refInput.value || new Date().toISOString().slice(0, 10)).split("-").map(Number);
    var ref = { year: parts[0], month: parts[1], day: parts[2] };
    var others = [];
    table.header.forEach(function (name, j) {
      if (j === at) { return; }
      var rows = [];
      table.body.forEach(function (r, i) { if (Personnummer.looksLike(r[j])) { rows.push(i + 2); } });
      if (rows.length) { others.push(name + " (" + rows.slice(0, 10).join(", ") + ")"); }
    });
    if (others.length) { say(fill(WORDS.others, { cols: others.join("; ") }), true); return; }
    var parsed = table.body.map(function (r) { return Personnummer.parse(r[at], ref); });
    var bad = [], reasons = {};
    parsed.forEach(function (p, i) {
      if (!p.canonical) { bad.push(i + 2); reasons[p.reason] = (reasons[p.reason] || 0) + 1; }
    });
    if (bad.length) {
      var why = Object.keys(reasons).map(function (k) { return WORDS.reasons[k] + " (" + reasons[k] + ")"; });
      say(fill(WORDS.invalid, { n: bad.length, rows: bad.slice(0, 10).join(", "), reasons: why.join("; ") }), true);
      return;
    }
    keyFile.text().then(function (keyText) {
      var key = readKey(keyText);
      if (!key) { say(WORDS.badKey, true); return null; }
      var subtle = window.crypto.subtle;
      var idInput = new Uint8Array(new TextEncoder().encode("outcomelab key id\u0000").length + key.length);
      idInput.set(new TextEncoder().encode("outcomelab key id\u0000"), 0);
      idInput.set(key, idInput.length - key.length);
      return Promise.all([
        subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]),
        subtle.digest("SHA-256", idInput)
      ]).then(function (done) {
        var hmacKey = done[0], kid = hex(done[1]).slice(0, 16);
        var distinct = {};
        parsed.forEach(function (p) { distinct[p.canonical] = null; });
        var names = Object.keys(distinct);
        var enc = new TextEncoder();
        return Promise.all(names.map(function (c) {
          return subtle.sign("HMAC", hmacKey, enc.encode(c)).then(function (mac) { distinct[c] = hex(mac); });
        })).then(function () {
          var d = table.delimiter;
          var header = table.header.slice(); header[at] = outColumn;
          var lines = [header.map(function (h) { return csvField(h, d); }).join(d)];
          table.body.forEach(function (r, i) {
            var out = r.slice(); out[at] = distinct[parsed[i].canonical];
            lines.push(out.map(function (v) { return csvField(v, d); }).join(d));
          });
          var blob = new Blob([lines.join("\r\n") + "\r\n"], { type: "text/csv" });
          if (link.href && link.href.indexOf("blob:") === 0) { URL.revokeObjectURL(link.href); }
          link.href = URL.createObjectURL(blob);
          link.download = table.name.replace(/\.[^.]*$/, "") + "-pseudonymised.csv";
          link.hidden = false;
          say(fill(WORDS.done, { n: table.body.length, column: column, out: outColumn, kid: kid }), false);
        });
      });
    }).catch(function (err) { say(String(err), true); });
  });
})();
