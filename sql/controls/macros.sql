-- macros: helpers shared by every control file (rules.md, Conventions).
--
-- Created as TEMP macros on the connection that runs the controls, so they
-- live in no schema and can change with the code. Names are French where
-- they echo the rules' words.
--
--   vide(x)              an empty value: NULL or only spaces
--   plus_mois(d, n)      d + n calendar months, the day clamped to the month's end
--   anniversaire(dn, n)  the n-th birthday of someone born on dn; a 29 February
--                        birthday falls on 1 March in other years
--   age_au(dn, d)        age in completed years at d
--   date_fr(d)           dd/mm/yyyy
--   euros(x)             1234,50 €
--   mots(x)              the words of x, lower-case and accents removed; a word is
--                        a run of letters and digits
--   texte(x)             x lower-case with accents removed (for "contains")
--   siret_norm(s)        s without spaces (including the no-break spaces of French number formats)
--   luhn_ok(s)           s (digits) passes the Luhn check
--   siret_valide(s)      14 digits and Luhn, or La Poste (SIREN 356000000) with a
--                        digit sum that is a multiple of 5
--   nir_valide(n)        15 characters and key = 97 - (13-digit number mod 97),
--                        2A read as 19 and 2B as 18
CREATE OR REPLACE TEMP MACRO vide(x) AS (x IS NULL OR trim(CAST(x AS VARCHAR)) = '');

CREATE OR REPLACE TEMP MACRO plus_mois(d, n) AS CAST(CAST(d AS DATE) + to_months(CAST(n AS INTEGER)) AS DATE);

CREATE OR REPLACE TEMP MACRO anniversaire(dn, n) AS (
    CASE
        WHEN month(dn) = 2 AND day(dn) = 29 AND day(CAST(dn + to_years(CAST(n AS INTEGER)) AS DATE)) = 28
            THEN CAST(dn + to_years(CAST(n AS INTEGER)) AS DATE) + 1
        ELSE CAST(dn + to_years(CAST(n AS INTEGER)) AS DATE)
    END);

CREATE OR REPLACE TEMP MACRO age_au(dn, d) AS (
    year(d) - year(dn) - CASE WHEN d < anniversaire(dn, year(d) - year(dn)) THEN 1 ELSE 0 END);

CREATE OR REPLACE TEMP MACRO date_fr(d) AS strftime(CAST(d AS DATE), '%d/%m/%Y');

CREATE OR REPLACE TEMP MACRO euros(x) AS replace(printf('%.2f', CAST(x AS DOUBLE)), '.', ',') || ' €';

CREATE OR REPLACE TEMP MACRO texte(x) AS strip_accents(lower(x));

CREATE OR REPLACE TEMP MACRO mots(x) AS regexp_split_to_array(strip_accents(lower(x)), '[^\pL\pN]+');

CREATE OR REPLACE TEMP MACRO siret_norm(s) AS regexp_replace(s, '[\s\x{00A0}\x{202F}]', '', 'g');

CREATE OR REPLACE TEMP MACRO luhn_ok(s) AS (
    list_sum(list_transform(range(1, length(s) + 1), lambda k:
        CASE WHEN (length(s) - k) % 2 = 1
            THEN (TRY_CAST(substr(s, k, 1) AS INTEGER) * 2) % 10 + (TRY_CAST(substr(s, k, 1) AS INTEGER) * 2) // 10
            ELSE TRY_CAST(substr(s, k, 1) AS INTEGER)
        END)) % 10 = 0);

CREATE OR REPLACE TEMP MACRO siret_valide(s) AS (
    CASE WHEN regexp_full_match(s, '[0-9]{14}')
        THEN luhn_ok(s)
            OR (substr(s, 1, 9) = '356000000'
                AND list_sum(list_transform(range(1, 15), lambda k: TRY_CAST(substr(s, k, 1) AS INTEGER))) % 5 = 0)
        ELSE false
    END);

CREATE OR REPLACE TEMP MACRO nir_chiffres(n) AS
    -- 2A and 2B can only stand at the department (characters 6-7) of a well-formed NIR
    replace(replace(upper(substr(n, 1, 13)), '2A', '19'), '2B', '18');

CREATE OR REPLACE TEMP MACRO nir_valide(n) AS (
    length(n) = 15
    AND regexp_full_match(upper(n), '[0-9]{5}([0-9]{2}|2A|2B)[0-9]{8}')
    AND coalesce(97 - (TRY_CAST(nir_chiffres(n) AS BIGINT) % 97) = TRY_CAST(substr(n, 14, 2) AS INTEGER), false));

-- demandes_rafael()  RAF (rules.md): the requests read from the comments of the Rafael
--                    situations (formation, origine rafael) of non-archived dossiers. A comment
--                    (lower-case, accents removed) is cut into clauses at . ; ! ? and line
--                    breaks; in a clause each phrase (fin reelle, fin prevue, date de debut,
--                    debut au, debut le, suspension, suspendu, suspendue) requests the first
--                    dd/mm/yyyy date after it in the clause (none without a date, none for a
--                    date that does not exist); the last request of a field in the comment
--                    stands. A clause holding supprimer or suppression and none of the phrases
--                    requests the deletion of the situation (champ 'suppression', no dates).
--                    Columns: code_structure, id_dossier, id_situation, intitule, organisme,
--                    champ, valeur_actuelle, valeur_demandee, commentaire, satisfaite (the field
--                    already holds the requested date; a deletion never is).
CREATE OR REPLACE TEMP MACRO demandes_rafael() AS TABLE
WITH rafael AS (
    SELECT s.id_situation, s.id_dossier, d.code_structure, s.intitule, s.organisme, s.commentaire,
           s.date_debut, s.date_fin_prevue, s.date_fin_reelle
    FROM situations s
    JOIN dossiers d ON d.id_dossier = s.id_dossier AND NOT d.archive
    WHERE s.type_situation = 'formation' AND s.origine = 'rafael' AND NOT vide(s.commentaire)
),
clauses AS (
    SELECT r.id_situation, t.n AS clause_no, t.clause,
           string_split(regexp_replace(t.clause,
               '(fin reelle|fin prevue|date de debut|debut au|debut le|suspension|suspendue|suspendu)',
               chr(1) || '\1', 'g'), chr(1)) AS segs
    FROM rafael r,
         unnest(regexp_split_to_array(texte(r.commentaire), '[.;!?\r\n]')) WITH ORDINALITY AS t(clause, n)
),
phrases AS (
    SELECT c.id_situation, c.clause_no, k AS seg_no,
           regexp_extract(c.segs[k], '^(fin reelle|fin prevue|date de debut|debut au|debut le|suspension|suspendue|suspendu)') AS phrase,
           CAST(try_strptime(regexp_extract(array_to_string(c.segs[k:], ''),
               '(^|[^0-9])([0-9]{2}/[0-9]{2}/[0-9]{4})([^0-9]|$)', 2), '%d/%m/%Y') AS DATE) AS demandee
    FROM clauses c, range(2, len(c.segs) + 1) r(k)
),
dates AS (
    SELECT id_situation,
           CASE WHEN phrase = 'fin prevue' THEN 'date_fin_prevue'
                WHEN phrase IN ('date de debut', 'debut au', 'debut le') THEN 'date_debut'
                ELSE 'date_fin_reelle' END AS champ,
           arg_max(demandee, clause_no * 100000 + seg_no) AS valeur_demandee
    FROM phrases
    WHERE demandee IS NOT NULL
    GROUP BY ALL
),
suppressions AS (
    SELECT DISTINCT id_situation, 'suppression' AS champ, CAST(NULL AS DATE) AS valeur_demandee
    FROM clauses
    WHERE len(segs) = 1 AND (contains(clause, 'supprimer') OR contains(clause, 'suppression'))
),
demandes AS (
    SELECT * FROM dates UNION ALL SELECT * FROM suppressions
)
SELECT r.code_structure, r.id_dossier, r.id_situation, r.intitule, r.organisme, q.champ,
       CASE q.champ WHEN 'date_debut' THEN r.date_debut WHEN 'date_fin_prevue' THEN r.date_fin_prevue
                    WHEN 'date_fin_reelle' THEN r.date_fin_reelle END AS valeur_actuelle,
       q.valeur_demandee, r.commentaire,
       coalesce(q.champ <> 'suppression' AND q.valeur_demandee = CASE q.champ WHEN 'date_debut' THEN r.date_debut
            WHEN 'date_fin_prevue' THEN r.date_fin_prevue ELSE r.date_fin_reelle END, false) AS satisfaite
FROM demandes q
JOIN rafael r ON r.id_situation = q.id_situation;
