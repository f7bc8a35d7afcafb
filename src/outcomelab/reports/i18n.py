"""Swedish and English text of the standard evaluation report.

Every sentence the report prints comes from :data:`TEXT` through :func:`t`, so both languages hold
the same facts. Numbers are written by :mod:`outcomelab.vocabulary.numbers`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from outcomelab.errors import ParameterError
from outcomelab.vocabulary import lab_catalogue

if TYPE_CHECKING:
    from outcomelab.vocabulary import Catalogue

__all__ = ["TEXT", "code_label", "covariate_label", "t"]

TEXT: dict[str, dict[str, str]] = {
    # section headings
    "title": {"sv": "Utvärdering av {name}", "en": "Evaluation of {name}"},
    "h_headline": {"sv": "Sammanfattning", "en": "Summary"},
    "h_flow": {"sv": "Vilka som utvärderades", "en": "Who was evaluated"},
    "h_intervention": {"sv": "Insatsen", "en": "The intervention"},
    "h_method": {"sv": "Metoden i korthet", "en": "The method in plain words"},
    "h_results": {"sv": "Resultat per utfall", "en": "Results per outcome"},
    "h_diagnostics": {"sv": "Diagnostik", "en": "Diagnostics"},
    "h_robustness": {"sv": "Känslighetsanalys", "en": "Robustness"},
    "h_evidence": {"sv": "Evidensvärdering", "en": "Evidence rating"},
    "h_economics": {"sv": "Samhällsekonomiskt värde", "en": "Socio-economic value"},
    "h_caveats": {"sv": "Förbehåll", "en": "Caveats"},
    "h_annex": {"sv": "Metodbilaga", "en": "Methods annex"},
    "h_provenance": {"sv": "Ursprung och reproducerbarhet", "en": "Provenance"},
    # headline sentences
    "hl_rate": {
        "sv": "Av varje 100 deltagare var {n} {more} {state} efter {months} månader än i en "
        "jämförbar grupp; {level} %-intervallet går från {low} till {high} {more}.",
        "en": "For every 100 participants, {n} {more} were {state} after {months} months than in "
        "a comparable group; the {level}% interval runs from {low} to {high} {more}.",
    },
    "hl_amount": {
        "sv": "Efter {months} månader hade varje deltagare i genomsnitt {n} {unit} {more} {state} "
        "per år än en jämförbar person; {level} %-intervallet går från {low} till {high} {unit} "
        "{more}.",
        "en": "After {months} months each participant had on average {n} {unit} {more} {state} "
        "per year than a comparable person; the {level}% interval runs from {low} to {high} "
        "{unit} {more}.",
    },
    "hl_count": {
        "sv": "Efter {months} månader hade varje deltagare i genomsnitt {n} {more} {state} per år "
        "än en jämförbar person; {level} %-intervallet går från {low} till {high} {more}.",
        "en": "After {months} months each participant had on average {n} {more} {state} per year "
        "than a comparable person; the {level}% interval runs from {low} to {high} {more}.",
    },
    "hl_continuous": {
        "sv": "Efter {months} månader var deltagarnas {state} i genomsnitt {n} {unit} {more} än i "
        "en jämförbar grupp; {level} %-intervallet går från {low} till {high} {unit} {more}.",
        "en": "After {months} months the participants' {state} was on average {n} {unit} {more} "
        "than in a comparable group; the {level}% interval runs from {low} to {high} {unit} "
        "{more}.",
    },
    "more": {"sv": "fler", "en": "more"},
    "fewer": {"sv": "färre", "en": "fewer"},
    "more_amount": {"sv": "mer", "en": "more"},
    "fewer_amount": {"sv": "mindre", "en": "less"},
    "more_continuous": {"sv": "högre", "en": "higher"},
    "fewer_continuous": {"sv": "lägre", "en": "lower"},
    # the unit an effect of each outcome kind is given in (other kinds: the catalogue's unit)
    "unit_rate": {"sv": "andel", "en": "share"},
    "unit_amount_sek": {"sv": "kr", "en": "SEK"},
    "unit_days": {"sv": "dagar", "en": "days"},
    "sig_positive": {
        "sv": "Skillnaden är statistiskt säkerställd (p {p}) och går åt det önskade hållet.",
        "en": "The difference is statistically significant (p {p}) and in the desired direction.",
    },
    "sig_negative": {
        "sv": "Skillnaden är statistiskt säkerställd (p {p}) men går åt fel håll: deltagarna "
        "hade sämre utfall än den jämförbara gruppen.",
        "en": "The difference is statistically significant (p {p}) but in the wrong direction: "
        "participants did worse than the comparable group.",
    },
    "sig_inconclusive": {
        "sv": "Skillnaden är inte statistiskt säkerställd (p {p}); intervallet rymmer noll. Det "
        "betyder inte att insatsen misslyckats, utan att det behövs fler deltagare för att kunna "
        "avgöra om den gjort skillnad.",
        "en": "The difference is not statistically significant (p {p}); the interval includes "
        "zero. This does not mean the programme failed: more people are needed to tell whether "
        "it made a difference.",
    },
    "hl_counts": {
        "sv": "{analysed} av {submitted} inskickade deltagare ingick i analysen och jämfördes med "
        "{comparison} personer i en jämförelsegrupp.",
        "en": "{analysed} of {submitted} submitted participants were analysed and compared with "
        "{comparison} people in a comparison group.",
    },
    "hl_failed": {
        "sv": "Effekten på {name} kunde inte skattas: {error}",
        "en": "The effect on {name} could not be estimated: {error}",
    },
    # verdict words
    "v_positive": {"sv": "positivt", "en": "positive"},
    "v_negative": {"sv": "negativt", "en": "negative"},
    "v_inconclusive": {"sv": "ej avgjort", "en": "inconclusive"},
    "primary": {"sv": "primärt", "en": "primary"},
    "secondary": {"sv": "sekundärt", "en": "secondary"},
    # table columns
    "c_outcome": {"sv": "Utfall", "en": "Outcome"},
    "c_role": {"sv": "Roll", "en": "Role"},
    "c_estimate": {"sv": "Effekt", "en": "Effect"},
    "c_interval": {"sv": "{level} %-intervall", "en": "{level}% interval"},
    "c_p": {"sv": "p-värde", "en": "p-value"},
    "c_p_holm": {"sv": "p (Holm)", "en": "p (Holm)"},
    "c_n": {"sv": "Deltagare / jämförelse", "en": "Participants / comparison"},
    "c_verdict": {"sv": "Bedömning", "en": "Verdict"},
    "c_stage": {"sv": "Steg", "en": "Stage"},
    "c_count": {"sv": "Antal", "en": "Number"},
    "c_reason": {"sv": "Skäl", "en": "Reason"},
    "c_check": {"sv": "Kontroll", "en": "Check"},
    "c_covariate": {"sv": "Bakgrundsvariabel", "en": "Baseline variable"},
    "c_smd": {"sv": "Efter viktning/matchning", "en": "After weighting/matching"},
    "c_smd_raw": {"sv": "Före justering", "en": "Before adjustment"},
    "c_item": {"sv": "Uppgift", "en": "Item"},
    "c_value": {"sv": "Värde", "en": "Value"},
    # sample flow
    "f_submitted": {"sv": "Inskickade deltagare", "en": "Participants submitted"},
    "f_valid": {"sv": "Giltiga och länkade", "en": "Valid and linked"},
    "f_eligible": {"sv": "Uppfyller villkoren", "en": "Eligible"},
    "f_analysed": {"sv": "Analyserade", "en": "Analysed"},
    "f_pool": {"sv": "Jämförelsepool", "en": "Comparison pool"},
    "f_comparison": {"sv": "Jämförelsegrupp i analysen", "en": "Comparison group analysed"},
    "r_no_outcomes": {
        "sv": "saknar utfallsuppgifter",
        "en": "no outcome records",
    },
    "r_no_start": {"sv": "saknar startdatum", "en": "no start date"},
    "r_too_late": {
        "sv": "startade för sent för {months} månaders uppföljning",
        "en": "started too late for {months} months of follow-up",
    },
    "r_too_early": {
        "sv": "startade före första observerade år",
        "en": "started before the first observed year",
    },
    "r_missing_covariates": {
        "sv": "saknar bakgrundsuppgifter",
        "en": "missing baseline data",
    },
    "r_unmatched": {
        "sv": "ingen jämförbar person hittades (utanför överlappet)",
        "en": "no comparable person found (outside the overlap)",
    },
    "r_not_in_estimate": {
        "sv": "bidrar inte till skattningen vid uppföljningen",
        "en": "do not contribute to the estimate at the follow-up",
    },
    # design choice
    "d_staggered": {
        "sv": "Deltagarna startade vid {k} olika år ({cohorts}) och det finns {pre} år av "
        "uppgifter före första start. Därför används en difference-in-differences-skattning "
        "per startkohort och år (Callaway och Sant'Anna), som jämför varje kohort med personer "
        "som ({control}) inte fått insatsen.",
        "en": "Participants started in {k} different years ({cohorts}) and there are {pre} years "
        "of data before the first start. A difference-in-differences estimate per start cohort "
        "and year (Callaway and Sant'Anna) is therefore used, comparing each cohort with people "
        "who {control} received the intervention.",
    },
    "d_single": {
        "sv": "Alla deltagare startade samma år ({cohorts}) och det finns {pre} år av uppgifter "
        "före start. Därför används difference-in-differences med en händelsestudie: "
        "förändringen hos deltagarna jämförs med förändringen i jämförelsegruppen.",
        "en": "All participants started in the same year ({cohorts}) and there are {pre} years "
        "of data before the start. Difference-in-differences with an event study is therefore "
        "used: the change among participants is compared with the change in the comparison "
        "group.",
    },
    "d_matching": {
        "sv": "Det finns bara {pre} år av uppgifter före första start, för lite för att pröva "
        "parallella trender. Därför jämförs deltagarna med personer som liknade dem före start "
        "(matchning på sannolikheten att delta, skattad från bakgrund och historik).",
        "en": "There are only {pre} years of data before the first start, too few to check "
        "parallel trends. Participants are therefore compared with people who resembled them "
        "before the start (matching on the probability of taking part, estimated from "
        "background and history).",
    },
    "d_requested": {
        "sv": "Designen ({design}) var förvald i parametrarna.",
        "en": "The design ({design}) was fixed in the parameters.",
    },
    "d_both": {
        "sv": "Rubriksiffrorna kommer från difference-in-differences; matchning redovisas som "
        "känslighetsanalys.",
        "en": "The headline numbers come from difference-in-differences; matching is shown as a "
        "robustness check.",
    },
    # intervention table
    # codes of the standard interventions table
    "code_municipality": {"sv": "kommun", "en": "municipality"},
    "code_region": {"sv": "region", "en": "region"},
    "code_children_young_people": {"sv": "Barn och unga", "en": "Children and young people"},
    "code_unemployed": {"sv": "Arbetslösa", "en": "Unemployed people"},
    "code_newly_arrived_migrants": {"sv": "Nyanlända", "en": "Newly arrived migrants"},
    "code_mental_ill_health": {"sv": "Psykisk ohälsa", "en": "Mental ill-health"},
    "code_other": {"sv": "Övriga", "en": "Other"},
    "code_social_investment_fund": {
        "sv": "Social investeringsfond",
        "en": "Social investment fund",
    },
    "code_internal_outcome_contract": {
        "sv": "Internt utfallskontrakt",
        "en": "Internal outcome contract",
    },
    "code_social_impact_bond": {"sv": "Socialt utfallskontrakt", "en": "Social impact bond"},
    "code_ordinary_budget": {"sv": "Ordinarie budget", "en": "Ordinary budget"},
    "i_name": {"sv": "Namn", "en": "Name"},
    "i_id": {"sv": "Id", "en": "Id"},
    "i_org": {"sv": "Organisation", "en": "Organisation"},
    "i_org_type": {"sv": "Typ av organisation", "en": "Type of organisation"},
    "i_code": {"sv": "Kommun-/regionkod", "en": "Municipality/region code"},
    "i_target": {"sv": "Målgrupp", "en": "Target group"},
    "i_funding": {"sv": "Finansieringsform", "en": "Funding form"},
    "i_period": {"sv": "Period", "en": "Period"},
    "i_cohorts": {"sv": "Deltagare per startår", "en": "Participants per start year"},
    "i_primary": {
        "sv": "Primärt utfall (fastställt före analysen)",
        "en": "Primary outcome (fixed before the analysis)",
    },
    "i_secondary": {"sv": "Sekundära utfall", "en": "Secondary outcomes"},
    # method in plain words
    "m_compare": {
        "sv": "Effekten är skillnaden mellan hur det gick för deltagarna och hur det skulle ha "
        "gått för dem utan insatsen. Det senare kan inte observeras; det uppskattas med en "
        "jämförbar grupp av personer som inte deltog.",
        "en": "The effect is the difference between how participants fared and how they would "
        "have fared without the intervention. The latter cannot be observed; it is estimated "
        "from a comparable group of people who did not take part.",
    },
    "m_follow_up": {
        "sv": "Utfallen mäts per kalenderår. Uppföljningen efter {months} månader avser år {e} "
        "efter startåret (startåret är år 0).",
        "en": "Outcomes are measured per calendar year. The follow-up after {months} months is "
        "year {e} after the start year (the start year is year 0).",
    },
    "m_primary": {
        "sv": "Det primära utfallet ({name}) fastställdes före analysen. För de sekundära utfallen "
        "justeras p-värdena för att flera utfall prövas (Holms metod).",
        "en": "The primary outcome ({name}) was fixed before the analysis. The p-values of the "
        "secondary outcomes are adjusted for testing several outcomes (Holm's method).",
    },
    "m_covariates": {
        "sv": "Jämförelsen tar hänsyn till: {names}.",
        "en": "The comparison takes into account: {names}.",
    },
    # results
    "res_note_holm": {
        "sv": "Sekundära utfall bedöms på Holm-justerade p-värden. Effekter på andelar anges per "
        "100 deltagare (procentenheter).",
        "en": "Secondary outcomes are judged on Holm-adjusted p-values. Effects on shares are "
        "given per 100 participants (percentage points).",
    },
    "fig_results": {"sv": "Effekt med {level} %-intervall", "en": "Effect with {level}% interval"},
    # event-study figure (axes and legend drawn by outcomelab.did.event_study_plot)
    "fig_es_x": {"sv": "År sedan start", "en": "Years since the start"},
    "fig_es_y": {"sv": "Effekt (ATT)", "en": "Effect (ATT)"},
    "fig_es_pre": {"sv": "före start", "en": "before the start"},
    "fig_es_post": {"sv": "efter start", "en": "after the start"},
    "fig_es_band": {"sv": "{when}: simultant band", "en": "{when}: uniform band"},
    "fig_es_point": {
        "sv": "{when}: skattning, {level} % punktvist intervall",
        "en": "{when}: estimate, {level}% pointwise interval",
    },
    # balance figure (Love plot)
    "fig_balance_x": {
        "sv": "|standardiserad skillnad|",
        "en": "|standardised difference|",
    },
    "fig_balance_title": {"sv": "Balans i bakgrund", "en": "Covariate balance"},
    # baseline covariates of the standard participants schema (``cov_<column>[_<level>]``)
    "cov_birth_year": {"sv": "födelseår", "en": "birth year"},
    "cov_sex": {"sv": "kön", "en": "sex"},
    "cov_sex_female": {"sv": "kvinna", "en": "female"},
    "cov_sex_male": {"sv": "man", "en": "male"},
    "cov_sex_unknown": {"sv": "okänt", "en": "unknown"},
    "cov_born_abroad": {"sv": "född utomlands", "en": "born abroad"},
    "cov_education_level": {"sv": "utbildningsnivå", "en": "education level"},
    "cov_education_level_compulsory_or_less": {"sv": "förgymnasial", "en": "compulsory or less"},
    "cov_education_level_upper_secondary": {"sv": "gymnasial", "en": "upper secondary"},
    "cov_education_level_post_secondary": {"sv": "eftergymnasial", "en": "post-secondary"},
    "cov_education_level_unknown": {"sv": "okänd", "en": "unknown"},
    "cov_employed_months_prev_year": {
        "sv": "månader i arbete året före",
        "en": "months employed the year before",
    },
    "cov_social_assistance_months_prev_year": {
        "sv": "månader med ekonomiskt bistånd året före",
        "en": "months on social assistance the year before",
    },
    "cov_sick_leave_days_prev_year": {
        "sv": "ohälsodagar året före",
        "en": "days on sickness benefits the year before",
    },
    "cov_level": {"sv": "{variable}: {level}", "en": "{variable}: {level}"},
    "cov_history": {
        "sv": "{outcome}, året före start",
        "en": "{outcome}, the year before the start",
    },
    # diagnostics
    "dg_pretrend": {
        "sv": "Test av parallella trender före start: chi-två = {stat} med {df} frihetsgrader, "
        "p = {p}. {verdict}",
        "en": "Test of parallel trends before the start: chi-squared = {stat} with {df} degrees "
        "of freedom, p = {p}. {verdict}",
    },
    "dg_pretrend_none": {
        "sv": "Testet av parallella trender före start kan inte beräknas: {reason}. Bedömningen "
        "av evidensen bygger därför inte på det.",
        "en": "The test of parallel trends before the start cannot be computed: {reason}. The "
        "evidence rating therefore does not rest on it.",
    },
    "dg_pretrend_reason": {
        "sv": "för få enheter före start i någon startkohort (en kohort med en eller två enheter "
        "ger ingen skattbar kovariansmatris)",
        "en": "too few units before the start in some start cohort (a cohort of one or two units "
        "gives no estimable covariance matrix)",
    },
    "dg_no_covariates": {
        "sv": "Inlämningen har inga bakgrundsvariabler som varierar, så balansen mellan deltagare "
        "och jämförelsegrupp före start kan inte kontrolleras. Jämförelsen vilar på antagandet "
        "att grupperna hade utvecklats lika utan insatsen.",
        "en": "The submission has no background variables that vary, so the balance between "
        "participants and the comparison group before the start cannot be checked. The "
        "comparison rests on the assumption that the groups would have developed alike without "
        "the intervention.",
    },
    "dg_covariates_missing": {
        "sv": "Rekommenderade bakgrundsvariabler som saknades i inlämningen: {names}.",
        "en": "Recommended background variables missing from the submission: {names}.",
    },
    "dg_pretrend_ok": {
        "sv": "Inget tecken på att grupperna utvecklades olika före start.",
        "en": "No sign that the groups developed differently before the start.",
    },
    "dg_pretrend_bad": {
        "sv": "Grupperna utvecklades olika före start; tolka resultaten med försiktighet.",
        "en": "The groups developed differently before the start; read the results with care.",
    },
    "dg_event": {
        "sv": "Figuren visar effekten år för år kring startåret. Före start (negativa år) bör "
        "skattningarna ligga nära noll.",
        "en": "The figure shows the effect year by year around the start year. Before the start "
        "(negative years) the estimates should be close to zero.",
    },
    "dg_balance": {
        "sv": "Skillnader i bakgrund mellan deltagare och jämförelsegrupp (standardiserade; "
        "|skillnad| under 0,1 räknas vanligen som god balans).",
        "en": "Baseline differences between participants and the comparison group "
        "(standardised; |difference| below 0.1 is usually taken as good balance).",
    },
    "dg_overlap": {
        "sv": "Fördelningen av sannolikheten att delta: deltagarna behöver jämförbara personer med "
        "liknande sannolikhet.",
        "en": "Distribution of the probability of taking part: participants need comparable "
        "people with a similar probability.",
    },
    # robustness
    "rb_intro": {
        "sv": "Det primära utfallet skattat med andra rimliga val. Liknande resultat stärker "
        "slutsatsen.",
        "en": "The primary outcome estimated under other reasonable choices. Similar results "
        "strengthen the conclusion.",
    },
    "rb_main": {"sv": "Huvudanalys", "en": "Main analysis"},
    "rb_failed": {"sv": "kunde inte skattas", "en": "could not be estimated"},
    # evidence
    "ev_sms": {
        "sv": "Maryland Scientific Methods Scale: nivå {level} av 5.",
        "en": "Maryland Scientific Methods Scale: level {level} of 5.",
    },
    "ev_wwc": {
        "sv": "What Works Clearinghouse, likvärdighet före start: {verdict}.",
        "en": "What Works Clearinghouse baseline equivalence: {verdict}.",
    },
    "wwc_satisfied": {"sv": "uppfylld", "en": "satisfied"},
    "wwc_adjustment_required": {"sv": "kräver justering", "en": "adjustment required"},
    "wwc_not_satisfied": {"sv": "ej uppfylld", "en": "not satisfied"},
    "wwc_not_applicable": {"sv": "ej tillämplig", "en": "not applicable"},
    # economics
    "ec_intro": {
        "sv": "Skattade effekter gånger enhetsvärden per aktör, diskonterade med {rate} per år "
        "över {years} år. Beloppen är kostnader och avkastning, inte tillgångar.",
        "en": "Estimated effects times unit values per payer, discounted at {rate} a year over "
        "{years} years. Amounts are costs and returns, not assets.",
    },
    "ec_missing": {
        "sv": "Det samhällsekonomiska värdet kunde inte beräknas: {error}",
        "en": "The socio-economic value could not be computed: {error}",
    },
    # caveats
    "cv_observational": {
        "sv": "Deltagarna valdes inte genom lottning. Jämförelsen tar hänsyn till observerad "
        "bakgrund och historik, men skillnader som inte syns i registren kan finnas kvar.",
        "en": "Participants were not chosen at random. The comparison accounts for observed "
        "background and history, but differences not visible in the registers may remain.",
    },
    "cv_population": {
        "sv": "Resultaten gäller dem som deltog och kan inte utan vidare överföras till andra "
        "grupper eller kommuner.",
        "en": "The results apply to those who took part and do not automatically carry over to "
        "other groups or municipalities.",
    },
    "cv_country": {
        "sv": "Uppgifterna gäller {country}, inte Sverige. Labbets enhetsvärden (kronor per "
        "utfall, svenska betalare och prisår) passar inte dessa data; ett samhällsekonomiskt "
        "värde räknat med dem vore missvisande.",
        "en": "The data describe {country}, not Sweden. The lab's unit values (Swedish kronor "
        "per outcome, Swedish payers and price years) do not fit these data; a socio-economic "
        "value computed with them would mislead.",
    },
    "cv_small": {
        "sv": "Färre än 60 deltagare analyserades; resultaten är osäkra och bör inte publiceras.",
        "en": "Fewer than 60 participants were analysed; the results are uncertain and should "
        "not be published.",
    },
    "cv_inconclusive": {
        "sv": "Ett ej avgjort resultat betyder inte att insatsen saknar effekt.",
        "en": "An inconclusive result does not show that the intervention has no effect.",
    },
    "cv_economics": {
        "sv": "Det samhällsekonomiska värdet bygger på enhetsvärden med egen osäkerhet.",
        "en": "The socio-economic value rests on unit values with their own uncertainty.",
    },
    # annex
    "an_did": {
        "sv": "Difference-in-differences med förskjutna starter (Callaway och Sant'Anna 2021): "
        "ATT(g,t) skattas för varje startkohort g och år t med en dubbelt robust skattning "
        "(Sant'Anna och Zhao 2020) som villkorar på bakgrundsvariablerna. Effekten vid "
        "uppföljningen är händelsestudiens ATT(e) för e = {e}: ett kohortstorleksviktat "
        "medelvärde av ATT(g, g+e). Standardfel bygger på influensfunktioner, klustrade per "
        "person.",
        "en": "Difference-in-differences with staggered starts (Callaway and Sant'Anna 2021): "
        "ATT(g,t) is estimated for each start cohort g and year t with a doubly robust "
        "estimator (Sant'Anna and Zhao 2020) conditioning on the baseline covariates. The "
        "effect at the follow-up is the event-study ATT(e) for e = {e}: a cohort-size weighted "
        "average of ATT(g, g+e). Standard errors come from influence functions, clustered by "
        "person.",
    },
    "an_matching": {
        "sv": "Matchning: sannolikheten att delta skattas med logistisk regression på bakgrund "
        "och utfall året före start; varje deltagare matchas med närmaste jämförbara person i "
        "samma startår (utan återläggning, caliper 0,2 standardavvikelser av logit). Effekten är "
        "ATT i det matchade urvalet, regressionsjusterad, med klusterrobusta standardfel per par.",
        "en": "Matching: the probability of taking part is estimated by logistic regression on "
        "background and the outcomes of the year before the start; each participant is matched "
        "to the nearest comparable person of the same start year (without replacement, caliper "
        "0.2 standard deviations of the logit). The effect is the ATT in the matched sample, "
        "regression-adjusted, with cluster-robust standard errors by pair.",
    },
    "an_evidence": {
        "sv": "Evidensvärdering: Maryland Scientific Methods Scale (Sherman m.fl. 1997) och What "
        "Works Clearinghouse (Procedures and Standards Handbook 5.0): Hedges g för kontinuerliga "
        "och Cox-index för binära bakgrundsvariabler.",
        "en": "Evidence rating: Maryland Scientific Methods Scale (Sherman et al. 1997) and the "
        "What Works Clearinghouse (Procedures and Standards Handbook 5.0): Hedges' g for "
        "continuous and the Cox index for binary baseline variables.",
    },
    # provenance
    "pv_submission": {"sv": "Inlämning", "en": "Submission"},
    "pv_hash": {"sv": "Versionshash (SHA-256)", "en": "Version hash (SHA-256)"},
    "pv_seed": {"sv": "Slumpfrö", "en": "Random seed"},
    "pv_run": {"sv": "Körd", "en": "Run at"},
    "pv_parameters": {"sv": "Parametrar", "en": "Parameters"},
    "pv_versions": {"sv": "Programversioner", "en": "Package versions"},
    "pv_folder": {"sv": "mapp", "en": "folder"},
    "cg_never_treated": {"sv": "aldrig fått", "en": "had never"},
    "cg_not_yet_treated": {"sv": "ännu inte fått", "en": "had not yet"},
}


def code_label(code: str | None, lang: str) -> str:
    """The reader's word for a code of the standard tables (target group, funding form, ...).

    Unknown codes are returned as they are; ``None`` becomes a dash.
    """
    if code is None:
        return "–"
    key = f"code_{code}"
    return t(key, lang) if key in TEXT else str(code)


def t(key: str, lang: str, **values: Any) -> str:
    """The text ``key`` in ``lang`` with ``values`` filled in.

    Raises
    ------
    ParameterError
        For a language other than ``sv`` or ``en``.
    """
    if lang not in ("sv", "en"):
        raise ParameterError(f"The report language must be 'sv' or 'en'; got {lang!r}.")
    entry = TEXT[key]
    return entry[lang].format(**values) if values else entry[lang]


def covariate_label(column: str, lang: str, catalogue: Catalogue | None = None) -> str:
    """A covariate column as the reader's words in ``lang``.

    Parameters
    ----------
    column
        A baseline column made by :func:`outcomelab.reports.estimation.baseline_covariates`
        (``cov_birth_year``, a dummy such as ``cov_sex_male``), an outcome-history column
        (``<outcome>_before``) or any other column.
    lang
        ``"sv"`` or ``"en"``.
    catalogue
        The outcome catalogue that names outcome-history columns (default the lab's).

    Returns
    -------
    str
        ``födelseår``, ``kön: man``, ``förvärvsarbete, året före start``; an unknown column with
        underscores as spaces and without the ``cov_`` prefix.

    Examples
    --------
    >>> covariate_label("cov_education_level_post_secondary", "sv")
    'utbildningsnivå: eftergymnasial'
    """
    for variable in ("cov_sex", "cov_education_level"):
        if column.startswith(variable + "_"):
            level = column.removeprefix(variable + "_")
            shown = t(column, lang) if column in TEXT else level.replace("_", " ")
            return t("cov_level", lang, variable=t(variable, lang), level=shown)
    if column.startswith("cov_") and column in TEXT:
        return t(column, lang)
    outcomes = catalogue or lab_catalogue()
    code = column.removesuffix("_before")
    if column.endswith("_before") and not column.startswith("cov_") and code in outcomes:
        name = outcomes[code].name(lang)
        return t("cov_history", lang, outcome=name[:1].lower() + name[1:])
    return column.removeprefix("cov_").replace("_", " ")
