"""The portal's words in Swedish and English, in one place.

Kept apart so they can move into the house's shared vocabulary package when it lands; nothing
else in the portal holds a sentence a person reads, except the validation messages, which come
from :mod:`outcomelab.schemas` (English; the Swedish meaning of each rule is here).
"""

from __future__ import annotations

__all__ = ["LANGUAGES", "RULES", "WORDS", "word"]

LANGUAGES = ("sv", "en")

WORDS: dict[str, dict[str, str]] = {
    "portal_title": {
        "sv": "Utfallslabbets inlämningsportal",
        "en": "Outcomes lab submission portal",
    },
    "skip": {"sv": "Hoppa till innehållet", "en": "Skip to content"},
    "language": {"sv": "Språk", "en": "Language"},
    "other_language": {"sv": "In English", "en": "På svenska"},
    "main_menu": {"sv": "Huvudmeny", "en": "Main menu"},
    "home": {"sv": "Start", "en": "Home"},
    "signed_in_as": {"sv": "Inloggad som {name}", "en": "Signed in as {name}"},
    "sign_in": {"sv": "Logga in", "en": "Sign in"},
    "sign_out": {"sv": "Logga ut", "en": "Sign out"},
    "sign_in_with": {"sv": "Logga in med {name}", "en": "Sign in with {name}"},
    "username": {"sv": "Användarnamn", "en": "User name"},
    "password": {"sv": "Lösenord", "en": "Password"},
    "bad_login": {
        "sv": "Fel användarnamn eller lösenord.",
        "en": "Wrong user name or password.",
    },
    "too_many": {
        "sv": "För många misslyckade inloggningar. Försök igen om {minutes} minuter.",
        "en": "Too many failed sign-ins. Try again in {minutes} minutes.",
    },
    "change_password": {"sv": "Välj ett nytt lösenord", "en": "Choose a new password"},
    "change_password_intro": {
        "sv": "Ditt lösenord var ett engångslösenord. Välj ett eget med minst 12 tecken.",
        "en": "Your password was a one-time password. Choose your own of at least 12 characters.",
    },
    "new_password": {"sv": "Nytt lösenord", "en": "New password"},
    "repeat_password": {"sv": "Upprepa lösenordet", "en": "Repeat the password"},
    "passwords_differ": {"sv": "Lösenorden är inte lika.", "en": "The passwords differ."},
    "weak_password": {
        "sv": "Lösenordet måste ha minst 12 tecken och får inte innehålla användarnamnet.",
        "en": "The password needs at least 12 characters and must not contain the user name.",
    },
    "save": {"sv": "Spara", "en": "Save"},
    "csrf_failed": {
        "sv": "Formuläret var för gammalt eller kom från en annan sida. Ladda om sidan och försök "
        "igen.",
        "en": "The form was too old or came from another site. Reload the page and try again.",
    },
    "not_found": {"sv": "Sidan finns inte", "en": "Page not found"},
    "not_found_text": {
        "sv": "Det finns ingen sådan sida, eller så har du inte behörighet att se den.",
        "en": "There is no such page, or you may not see it.",
    },
    "too_large": {
        "sv": "Filerna är för stora: högst {mb} MB per uppladdning. Inget sparades.",
        "en": "The files are too large: at most {mb} MB per upload. Nothing was stored.",
    },
    "error_title": {"sv": "Något gick fel", "en": "Something went wrong"},
    # home
    "welcome": {"sv": "Välkommen, {name}", "en": "Welcome, {name}"},
    "your_roles": {"sv": "Dina roller", "en": "Your roles"},
    "role_submitter": {"sv": "inlämnare", "en": "submitter"},
    "role_evaluator": {"sv": "utvärderare", "en": "evaluator"},
    "role_publisher": {
        "sv": "publicerare (kompetenscentret)",
        "en": "publisher (competence centre)",
    },
    "role_admin": {"sv": "administratör", "en": "administrator"},
    "organisation": {"sv": "Organisation", "en": "Organisation"},
    # submitting
    "submit_data": {"sv": "Lämna in data", "en": "Submit data"},
    "submit_intro": {
        "sv": "Ladda upp standardtabellerna: en arbetsbok med ett blad per tabell, eller en fil "
        "per tabell med tabellens namn (interventions.csv, participants.csv, outcomes.csv, "
        "costs.csv). Personnummer får inte finnas i klartext: pseudonymisera dem först.",
        "en": "Upload the standard tables: one workbook with a sheet per table, or one file per "
        "table named after it (interventions.csv, participants.csv, outcomes.csv, costs.csv). "
        "Personal identity numbers must not be in clear: pseudonymise them first.",
    },
    "template": {"sv": "Excelmall för alla tabeller", "en": "Excel template of all tables"},
    "files": {"sv": "Filer", "en": "Files"},
    "files_hint": {
        "sv": "CSV, Excel (.xlsx) eller Parquet, högst {mb} MB tillsammans.",
        "en": "CSV, Excel (.xlsx) or Parquet, at most {mb} MB together.",
    },
    "check_files": {"sv": "Kontrollera filerna", "en": "Check the files"},
    "pseudonymise": {"sv": "Pseudonymisera personnummer", "en": "Pseudonymise identity numbers"},
    "validation": {"sv": "Kontroll av uppladdningen", "en": "Check of the upload"},
    "valid": {
        "sv": "Filerna följer standarden. Lämna in dem för att spara en version.",
        "en": "The files fit the standard. Submit them to store a version.",
    },
    "invalid": {
        "sv": "Filerna följer inte standarden: {n} fel. Inget har sparats. Rätta felen och ladda "
        "upp filerna igen.",
        "en": "The files do not fit the standard: {n} failures. Nothing was stored. Correct them "
        "and upload the files again.",
    },
    "rows_note": {
        "sv": "Radnummer räknas som i kalkylprogrammet: rubrikraden är rad 1.",
        "en": "Rows are numbered as in a spreadsheet: the header is row 1.",
    },
    "failures_per_rule": {"sv": "Fel per regel", "en": "Failures per rule"},
    "first_failures": {"sv": "De första {n} felen", "en": "The first {n} failures"},
    "error_report": {"sv": "Ladda ner alla fel (CSV)", "en": "Download every failure (CSV)"},
    "table": {"sv": "Tabell", "en": "Table"},
    "rule": {"sv": "Regel", "en": "Rule"},
    "meaning": {"sv": "Vad det betyder", "en": "What it means"},
    "column": {"sv": "Kolumn", "en": "Column"},
    "row": {"sv": "Rad", "en": "Row"},
    "value": {"sv": "Värde", "en": "Value"},
    "message": {"sv": "Vad som ska rättas", "en": "What to fix"},
    "count": {"sv": "Antal", "en": "Count"},
    "file": {"sv": "Fil", "en": "File"},
    "size": {"sv": "Storlek", "en": "Size"},
    "rows": {"sv": "Rader", "en": "Rows"},
    "submit": {"sv": "Lämna in", "en": "Submit"},
    "upload_again": {"sv": "Ladda upp rättade filer", "en": "Upload corrected files"},
    # receipts and submissions
    "receipt": {"sv": "Kvitto", "en": "Receipt"},
    "receipt_intro": {
        "sv": "Inlämningen är sparad. Spara kvittot: id:t är innehållets SHA-256-kontrollsumma.",
        "en": "The submission is stored. Keep the receipt: the id is the SHA-256 hash of its "
        "content.",
    },
    "receipt_same": {
        "sv": "Exakt samma innehåll fanns redan som version {version}; inget nytt sparades.",
        "en": "Exactly the same content was already stored as version {version}; nothing new "
        "was stored.",
    },
    "submission_id": {
        "sv": "Inlämnings-id (innehållets SHA-256)",
        "en": "Submission id (SHA-256 of the content)",
    },
    "intervention": {"sv": "Insats", "en": "Intervention"},
    "version": {"sv": "Version", "en": "Version"},
    "received": {"sv": "Mottagen", "en": "Received"},
    "submitted_by": {"sv": "Inlämnad av", "en": "Submitted by"},
    "file_hash": {"sv": "Filens SHA-256", "en": "File SHA-256"},
    "download_receipt": {"sv": "Ladda ner kvittot (JSON)", "en": "Download the receipt (JSON)"},
    "submissions": {"sv": "Inlämningar", "en": "Submissions"},
    "no_submissions": {"sv": "Inga inlämningar ännu.", "en": "No submissions yet."},
    "versions_of": {"sv": "Versioner av {name}", "en": "Versions of {name}"},
    "participants": {
        "sv": "Deltagare och jämförelsepersoner",
        "en": "Participants and comparison persons",
    },
    "outcome_rows": {"sv": "Utfallsrader", "en": "Outcome rows"},
    "show": {"sv": "Visa", "en": "Show"},
    "evaluate": {"sv": "Utvärdera", "en": "Evaluate"},
    # evaluating
    "start_evaluation": {
        "sv": "Starta standardutvärderingen",
        "en": "Start the standard evaluation",
    },
    "evaluation_intro": {
        "sv": "Utvärderingen körs i bakgrunden; du kan lämna sidan och komma tillbaka.",
        "en": "The evaluation runs in the background; you may leave the page and come back.",
    },
    "report_language": {"sv": "Rapportens språk", "en": "Report language"},
    "design": {"sv": "Design", "en": "Design"},
    "design_auto": {"sv": "välj automatiskt", "en": "choose automatically"},
    "alpha": {"sv": "Signifikansnivå", "en": "Significance level"},
    "follow_up_months": {
        "sv": "Uppföljning (månader, hela år)",
        "en": "Follow-up (months, whole years)",
    },
    "primary_outcome": {
        "sv": "Primärt utfall (tomt = insatsens)",
        "en": "Primary outcome (empty = the intervention's)",
    },
    "bad_parameter": {
        "sv": "Parametrarna kan inte användas",
        "en": "The parameters cannot be used",
    },
    "jobs": {"sv": "Utvärderingar", "en": "Evaluations"},
    "no_jobs": {"sv": "Inga utvärderingar ännu.", "en": "No evaluations yet."},
    "job": {"sv": "Utvärdering {id}", "en": "Evaluation {id}"},
    "publish_job": {"sv": "Publicering {id}", "en": "Publication {id}"},
    "status": {"sv": "Status", "en": "Status"},
    "status_queued": {"sv": "i kö", "en": "queued"},
    "status_running": {"sv": "pågår", "en": "running"},
    "status_done": {"sv": "klar", "en": "done"},
    "status_failed": {"sv": "misslyckades", "en": "failed"},
    "stage": {"sv": "Steg", "en": "Stage"},
    "progress": {"sv": "Förlopp", "en": "Progress"},
    "started": {"sv": "Startad", "en": "Started"},
    "refresh_note": {
        "sv": "Sidan följer jobbet av sig själv; utan JavaScript, ladda om den.",
        "en": "The page follows the job by itself; without JavaScript, reload it.",
    },
    "refresh": {"sv": "Uppdatera", "en": "Refresh"},
    "read_report": {"sv": "Läs rapporten", "en": "Read the report"},
    "headline": {"sv": "Huvudresultat", "en": "Headline"},
    "error": {"sv": "Fel", "en": "Error"},
    # publishing
    "publishing": {"sv": "Publicering", "en": "Publishing"},
    "publishing_intro": {
        "sv": "Markera färdiga utvärderingar för publicering och bygg katalogen. Röjandekontroll "
        "görs vid bygget: för små grupper publiceras inte.",
        "en": "Mark finished evaluations for publication and build the catalogue. Disclosure "
        "control runs at the build: groups that are too small are not published.",
    },
    "marked": {"sv": "Markerad för publicering", "en": "Marked for publication"},
    "mark": {"sv": "Markera för publicering", "en": "Mark for publication"},
    "unmark": {"sv": "Ta bort markeringen", "en": "Remove the mark"},
    "build_site": {"sv": "Bygg den publicerade katalogen", "en": "Build the published catalogue"},
    "view_site": {"sv": "Visa den publicerade katalogen", "en": "View the published catalogue"},
    "yes": {"sv": "ja", "en": "yes"},
    "no": {"sv": "nej", "en": "no"},
    # administration
    "admin": {"sv": "Administration", "en": "Administration"},
    "users": {"sv": "Användare", "en": "Users"},
    "roles": {"sv": "Roller", "en": "Roles"},
    "active": {"sv": "Aktiv", "en": "Active"},
    "disable": {"sv": "Stäng av", "en": "Disable"},
    "disabled": {"sv": "avstängd", "en": "disabled"},
    "add_user": {"sv": "Lägg till användare", "en": "Add a user"},
    "display_name": {"sv": "Namn", "en": "Name"},
    "organisation_code": {
        "sv": "Organisationskod (kommun 4 siffror, region 2)",
        "en": "Organisation code (municipality 4 digits, region 2)",
    },
    "organisation_name": {
        "sv": "Organisationens namn (om den är ny)",
        "en": "Organisation name (if new)",
    },
    "one_time_password": {
        "sv": "Engångslösenord för {user}: {password} (visas bara nu; lämna det säkert).",
        "en": "One-time password of {user}: {password} (shown only now; hand it over safely).",
    },
    "organisations": {"sv": "Organisationer", "en": "Organisations"},
    "tokens": {"sv": "API-nycklar", "en": "API tokens"},
    "tokens_intro": {
        "sv": "En API-nyckel låter ett verksamhetssystem lämna in för en organisation "
        "(POST /api/submissions med rubriken Authorization: Bearer NYCKEL).",
        "en": "An API token lets a system submit for one organisation (POST /api/submissions "
        "with the header Authorization: Bearer TOKEN).",
    },
    "label": {"sv": "Beskrivning", "en": "Label"},
    "create_token": {"sv": "Skapa API-nyckel", "en": "Create an API token"},
    "new_token": {
        "sv": "Ny API-nyckel (visas bara nu): {token}",
        "en": "New API token (shown only now): {token}",
    },
    "revoke": {"sv": "Återkalla", "en": "Revoke"},
    "revoked": {"sv": "återkallad", "en": "revoked"},
    "created": {"sv": "Skapad", "en": "Created"},
    "last_used": {"sv": "Senast använd", "en": "Last used"},
    "audit_log": {"sv": "Granskningslogg", "en": "Audit log"},
    "audit_intro": {
        "sv": "Vem som laddade upp, lämnade in, tittade på, utvärderade och publicerade vad, och "
        "när. Loggen kan bara läggas till; kedjan av kontrollsummor är {state}.",
        "en": "Who uploaded, submitted, viewed, evaluated and published what, and when. The log "
        "is append-only; its chain of hashes is {state}.",
    },
    "intact": {"sv": "obruten", "en": "intact"},
    "broken": {"sv": "BRUTEN", "en": "BROKEN"},
    "when": {"sv": "När", "en": "When"},
    "who": {"sv": "Vem", "en": "Who"},
    "action": {"sv": "Händelse", "en": "Action"},
    "target": {"sv": "Vad", "en": "What"},
    "details": {"sv": "Detaljer", "en": "Details"},
    # pseudonymisation in the browser
    "pseudo_intro": {
        "sv": "Här ersätts personnummer med pseudonymer på din egen dator. Filen med "
        "personnummer och labbets nyckelfil lämnar aldrig datorn: sidan räknar med webbläsarens "
        "WebCrypto och skickar inget. Resultatet är detsamma som kommandot "
        "outcomelab pseudonymise ger.",
        "en": "Here identity numbers are replaced by pseudonyms on your own computer. The file "
        "with identity numbers and the lab's key file never leave the computer: the page "
        "computes with the browser's WebCrypto and sends nothing. The result is the same as "
        "the command outcomelab pseudonymise gives.",
    },
    "pseudo_needs_js": {
        "sv": "Den här sidan behöver JavaScript, eftersom beräkningen görs i din webbläsare. "
        "Utan JavaScript: använd kommandot outcomelab pseudonymise.",
        "en": "This page needs JavaScript, because the computation runs in your browser. "
        "Without JavaScript: use the command outcomelab pseudonymise.",
    },
    "pseudo_file": {"sv": "Fil med personnummer (CSV)", "en": "File with identity numbers (CSV)"},
    "pseudo_key": {"sv": "Labbets nyckelfil", "en": "The lab's key file"},
    "pseudo_column": {"sv": "Kolumn med personnummer", "en": "Column with identity numbers"},
    "pseudo_out_column": {"sv": "Namn på pseudonymkolumnen", "en": "Name of the pseudonym column"},
    "pseudo_reference_date": {
        "sv": "Uttagsdatum (för sekel i 10-siffriga nummer)",
        "en": "Extraction date (for the century of 10-digit numbers)",
    },
    "pseudo_run": {"sv": "Pseudonymisera", "en": "Pseudonymise"},
    "pseudo_download": {"sv": "Spara resultatet", "en": "Save the result"},
    # published site
    "site_missing": {
        "sv": "Katalogen är inte byggd ännu.",
        "en": "The catalogue has not been built yet.",
    },
}

#: the Swedish and English meaning of each validation rule (the schemas' rule names)
RULES: dict[str, dict[str, str]] = {
    "missing_column": {"sv": "En kolumn som krävs saknas.", "en": "A required column is missing."},
    "extra_column": {
        "sv": "Filen har en kolumn som standarden inte har.",
        "en": "The file has a column the standard does not define.",
    },
    "type": {
        "sv": "Värdet kan inte läsas som kolumnens typ (tal, heltal, datum, sant/falskt).",
        "en": "A value cannot be read as the column's type (number, whole number, date, "
        "true/false).",
    },
    "required": {"sv": "Ett obligatoriskt värde är tomt.", "en": "A required value is empty."},
    "enum": {
        "sv": "Värdet är inte ett av de tillåtna värdena.",
        "en": "A value is not one of the allowed values.",
    },
    "pattern": {
        "sv": "Värdet har inte den form som krävs.",
        "en": "A value does not have the required form.",
    },
    "min_length": {
        "sv": "En text är kortare än tillåtet.",
        "en": "A text is shorter than allowed.",
    },
    "max_length": {"sv": "En text är längre än tillåtet.", "en": "A text is longer than allowed."},
    "minimum": {
        "sv": "Ett tal är mindre än det tillåtna.",
        "en": "A number is below the allowed minimum.",
    },
    "maximum": {
        "sv": "Ett tal är större än det tillåtna.",
        "en": "A number is above the allowed maximum.",
    },
    "unique": {
        "sv": "Ett värde som ska vara unikt förekommer flera gånger.",
        "en": "A value that must be unique appears more than once.",
    },
    "primary_key": {"sv": "Två rader har samma nyckel.", "en": "Two rows have the same key."},
    "clear_identity": {
        "sv": "En cell innehåller något som ser ut som ett personnummer i klartext. Pseudonymisera "
        "först.",
        "en": "A cell holds what looks like a personal identity number in clear. Pseudonymise "
        "first.",
    },
    "missing_table": {
        "sv": "En tabell som inlämningen behöver saknas.",
        "en": "A table the submission needs is not there.",
    },
    "foreign_key": {
        "sv": "Värdet hänvisar till en rad som inte finns i den andra tabellen (okänd insats, "
        "person eller utfallskod).",
        "en": "A value refers to a row that does not exist in the referenced table (unknown "
        "intervention, person or outcome code).",
    },
    "participant_dates": {
        "sv": "En deltagare börjar före insatsens start eller efter dess slut.",
        "en": "A participant starts before the intervention started or after it ended.",
    },
    "followup_window": {
        "sv": "En utfallsperiod ligger utanför personens uppföljningsfönster.",
        "en": "An outcome period lies outside the person's follow-up window.",
    },
    "period_form": {
        "sv": "En period är skriven som år där insatsen rapporterar månader, eller tvärtom.",
        "en": "An outcome period is written as a year where the intervention reports months, or the"
        " other way round.",
    },
    "outcome_value": {
        "sv": "Ett utfallsvärde är omöjligt för utfallets slag (andel inte 0/1, negativa dagar "
        "eller belopp, fler dagar än perioden har).",
        "en": "An outcome value is impossible for the outcome's kind (a rate not 0/1, negative days"
        " or amounts, more days than the period has).",
    },
    "end_before_start": {
        "sv": "Slutdatum ligger före startdatum.",
        "en": "end_date is before start_date.",
    },
    "organisation_code_length": {
        "sv": "En kommun har 4 siffror och en region 2.",
        "en": "A municipality has 4 digits and a region 2.",
    },
    "repeated_sector": {"sv": "En sektor står två gånger.", "en": "A sector is listed twice."},
    "participant_needs_start_date": {
        "sv": "En deltagare saknar startdatum.",
        "en": "A participant has no start_date.",
    },
    "comparison_without_dates": {
        "sv": "En jämförelseperson ska inte ha start- eller slutdatum.",
        "en": "A comparison person must have neither start_date nor end_date.",
    },
    "born_after_start": {
        "sv": "Födelseåret ligger efter startåret.",
        "en": "birth_year is after the year of start_date.",
    },
    "organisation": {
        "sv": "Insatsen tillhör en annan organisation än din.",
        "en": "The intervention belongs to another organisation than yours.",
    },
    "unreadable": {"sv": "Filen kunde inte läsas.", "en": "The file could not be read."},
}


def word(key: str, lang: str, **values: object) -> str:
    """The word or sentence ``key`` in ``lang`` with ``{name}`` places filled in.

    Raises
    ------
    KeyError
        For an unknown key (a programming error the tests catch).
    """
    text = WORDS[key][lang if lang in LANGUAGES else "sv"]
    return text.format(**values) if values else text


def rule_meaning(check: str, lang: str) -> str:
    """The meaning of a validation rule in ``lang`` (the rule's name if it is not listed)."""
    found = RULES.get(check)
    return found[lang if lang in LANGUAGES else "sv"] if found else check
