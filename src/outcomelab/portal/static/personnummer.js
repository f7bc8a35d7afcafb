// Swedish personal identity and coordination numbers: the same rules as
// outcomelab.identity.personnummer (canonical 12-digit form YYYYMMDDNNNC, Skatteverket's century
// rule for 10-digit numbers, Luhn check digit, day + 60 for a coordination number).
(function (global) {
  "use strict";
  var SEPARATORS = ["-", "+", " ", "\u2013"];
  var DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

  function luhnOk(ten) {
    var total = 0;
    for (var i = 0; i < 9; i++) {
      var p = ten[i] * (i % 2 === 0 ? 2 : 1);
      total += Math.floor(p / 10) + (p % 10);
    }
    return (10 - (total % 10)) % 10 === ten[9];
  }

  function leap(y) { return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0; }

  // Returns {canonical, reason}: canonical is null and reason one of empty, format, month, day,
  // future, serial, check_digit when the value is not a valid number.
  function parse(value, ref) {
    var text = (value === null || value === undefined ? "" : String(value)).trim();
    if (text === "") { return { canonical: null, reason: "empty" }; }
    var plus = false;
    var digits = text;
    if ((text.length === 11 || text.length === 13) &&
        SEPARATORS.indexOf(text.charAt(text.length - 5)) >= 0) {
      plus = text.charAt(text.length - 5) === "+";
      digits = text.slice(0, -5) + text.slice(-4);
    }
    if (!/^[0-9]+$/.test(digits) || (digits.length !== 10 && digits.length !== 12)) {
      return { canonical: null, reason: "format" };
    }
    var twelve = digits.length === 12 ? digits : "00" + digits;
    var m = twelve.split("").map(Number);
    var yy = m[2] * 10 + m[3], mm = m[4] * 10 + m[5], dd = m[6] * 10 + m[7];
    var day = dd > 60 ? dd - 60 : dd;
    var refKey = ref.year * 10000 + ref.month * 100 + ref.day;
    var year;
    if (digits.length === 12) {
      year = (m[0] * 10 + m[1]) * 100 + yy;
    } else {
      year = Math.floor(ref.year / 100) * 100 + yy;
      if (year * 10000 + mm * 100 + day > refKey) { year -= 100; }
      if (plus) { year -= 100; }
    }
    var monthOk = mm >= 1 && mm <= 12;
    var dim = monthOk ? DAYS[mm] + (mm === 2 && leap(year) ? 1 : 0) : 0;
    var dayOk = monthOk && day >= 1 && day <= dim;
    var future = year * 10000 + mm * 100 + day > refKey;
    var ok = luhnOk(m.slice(2, 12));
    var serialOk = m[8] + m[9] + m[10] > 0;
    if (!monthOk) { return { canonical: null, reason: "month" }; }
    if (!dayOk) { return { canonical: null, reason: "day" }; }
    if (future) { return { canonical: null, reason: "future" }; }
    if (!serialOk) { return { canonical: null, reason: "serial" }; }
    if (!ok) { return { canonical: null, reason: "check_digit" }; }
    var y = String(year);
    while (y.length < 4) { y = "0" + y; }
    return { canonical: y + twelve.slice(4), reason: null };
  }

  // Generous test for a number in clear (shape and a possible month and day), as
  // outcomelab.identity.looks_like_personnummer.
  function looksLike(value) {
    var text = (value === null || value === undefined ? "" : String(value)).trim();
    var digits = text;
    if ((text.length === 11 || text.length === 13) &&
        SEPARATORS.indexOf(text.charAt(text.length - 5)) >= 0) {
      digits = text.slice(0, -5) + text.slice(-4);
    }
    if (!/^[0-9]+$/.test(digits) || (digits.length !== 10 && digits.length !== 12)) { return false; }
    var t = digits.length === 12 ? digits : "00" + digits;
    var mm = Number(t.slice(4, 6)), dd = Number(t.slice(6, 8));
    return mm >= 1 && mm <= 12 && ((dd >= 1 && dd <= 31) || (dd >= 61 && dd <= 91));
  }

  global.Personnummer = { parse: parse, looksLike: looksLike };
})(window);
