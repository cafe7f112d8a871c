-- schedules/structures: the structure codes the warehouse knows, to check at
-- start-up that each configured director names one of them.
SELECT DISTINCT code_structure FROM structures ORDER BY code_structure;
