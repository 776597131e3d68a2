-- The largest published training-compute estimate, and the frontier models released after it that have
-- no estimate: "no estimate above X has been published since D" is a finding, not a gap to hide.
-- One row per unestimated frontier model; a single row with empty model columns when there is none.
create or replace view mart_frontier_estimate_gap as
with largest as (
    select name as largest_name, publication_date as largest_date, training_compute_flop as largest_flop,
           source_id as largest_source_id
    from mart_models
    where training_compute_flop is not null and publication_date is not null
    order by training_compute_flop desc, publication_date, name
    limit 1
)
select l.*, m.name, m.organisation, m.publication_date, m.source_id
from largest l
left join mart_models m
  on m.frontier and m.training_compute_flop is null and m.publication_date > l.largest_date
order by m.publication_date, m.name;
comment on view mart_frontier_estimate_gap is 'The largest published compute estimate and the frontier models released since without one.';
