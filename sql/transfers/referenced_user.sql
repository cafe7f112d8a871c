-- referenced_user: whether an account that a transfer moved things away from is still referenced
-- by something live (rules.md TRF, deletable sources; the same references as USR-04): referent of
-- a non-archived dossier, of an active partner or of an offer not terminee, or counsellor of a
-- planned appointment (statut prevu) of a non-archived dossier. Parameter 1: id_utilisateur.
WITH p AS (SELECT CAST(? AS VARCHAR) AS v)
SELECT EXISTS (SELECT 1 FROM dossiers, p WHERE NOT archive AND id_conseiller_referent = p.v)
    OR EXISTS (SELECT 1 FROM partenaires, p WHERE actif AND id_conseiller_referent = p.v)
    OR EXISTS (SELECT 1 FROM offres_service, p WHERE etat <> 'terminee' AND id_referent = p.v)
    OR EXISTS (SELECT 1 FROM rendez_vous r JOIN dossiers d ON d.id_dossier = r.id_dossier, p
               WHERE NOT d.archive AND r.statut = 'prevu' AND r.id_utilisateur = p.v)
FROM p
