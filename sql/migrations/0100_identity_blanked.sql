-- 0100_identity_blanked: IDJ across an empty value (rules.md IDJ).
--
-- identity_blanked  for a dossier held with identite_justifiee true, each justified identity column
--                   (civilite, prenom, nom_naissance, date_naissance) that an extraction emptied:
--                   the SHA-256 of the value it held before, in the form IDJ compares (trimmed,
--                   lower-case, accents removed). An empty value is unknown, not a change; a later
--                   extraction that brings a value is compared with this one, so « Martin », then
--                   empty, then « Durand » is a change of the justified identity. The row goes when
--                   the column holds a value again, and with the dossier's archiving. Never the value.
CREATE TABLE identity_blanked (
    id_dossier VARCHAR NOT NULL,
    colonne    VARCHAR NOT NULL,
    empreinte  VARCHAR NOT NULL
);
