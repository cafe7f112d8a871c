-- check_lieu: the active lieux the due lieu_rattachement transfers of a run name as destination
-- (rules.md TRF: the destination must be an active lieu of the request's structure). Read once per
-- run, before the first request: a transfer never changes lieux. Parameter 1: the destinations (a
-- list). Returns code_lieu, code_structure.
SELECT code_lieu, code_structure FROM lieux
WHERE actif AND code_lieu IN (SELECT unnest(CAST(? AS VARCHAR[])))
