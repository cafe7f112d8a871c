-- check_lieu: whether the destination of a lieu_rattachement transfer is an active lieu of the
-- structure (rules.md TRF). Parameters: code_lieu, code_structure.
SELECT count(*) > 0 FROM lieux WHERE code_lieu = ? AND code_structure = ? AND actif
