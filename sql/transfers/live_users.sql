-- live_users: the accounts something live still references (rules.md TRF, deletable sources; the
-- same references as USR-04): referent of a non-archived dossier, of an active partner or of an
-- offer not terminee, or counsellor of a planned appointment (statut prevu) of a non-archived
-- dossier. An account a transfer moved things away from and that is not here is deletable.
SELECT id_conseiller_referent FROM dossiers WHERE NOT archive AND id_conseiller_referent IS NOT NULL
UNION
SELECT id_conseiller_referent FROM partenaires WHERE actif AND id_conseiller_referent IS NOT NULL
UNION
SELECT id_referent FROM offres_service WHERE etat <> 'terminee' AND id_referent IS NOT NULL
UNION
SELECT r.id_utilisateur FROM rendez_vous r JOIN dossiers d ON d.id_dossier = r.id_dossier
WHERE NOT d.archive AND r.statut = 'prevu' AND r.id_utilisateur IS NOT NULL
