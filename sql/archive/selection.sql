-- selection: the per-connection list of dossiers an archiving is about to anonymise
-- (rules.md ARC), filled from the plan (automatic) or with the one dossier of a manual call.
CREATE OR REPLACE TEMP TABLE archive_selection (
    id_dossier VARCHAR NOT NULL,
    motif      VARCHAR NOT NULL
);
