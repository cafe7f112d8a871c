-- run_scope: the structures a controls run may cover (the temp table run_scope): every
-- structure code of the warehouse, also those only named by a row of another table. The
-- run then keeps those asked for with --structure, if any.
CREATE OR REPLACE TEMP TABLE run_scope AS
SELECT code_structure FROM structures
UNION SELECT code_structure FROM dossiers
UNION SELECT code_structure FROM utilisateurs
UNION SELECT code_structure FROM partenaires
UNION SELECT code_structure FROM certificats_rgs
UNION SELECT code_structure FROM zones_couverture
UNION SELECT code_structure FROM j2_entrepreneurs
UNION SELECT code_structure FROM j2_actions
