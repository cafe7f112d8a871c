-- selection_filter: restricts a transfer's effect to the keys listed in its selection (rules.md
-- TRF); spliced by the transfers package where an effect file says {{selection}}, only when the
-- request has a selection. Parameter: the '|'-joined ids.
AND t.{{key}} IN (SELECT unnest(string_split(?, '|')))
