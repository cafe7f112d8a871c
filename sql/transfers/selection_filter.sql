-- selection_filter: restricts a transfer's effect to the keys listed in its selection (rules.md
-- TRF); spliced by the transfers package where an effect file says {{selection}}, only when the
-- request has a selection. Parameter: the selection, a list of keys.
AND list_contains(CAST(? AS VARCHAR[]), t.{{key}})
