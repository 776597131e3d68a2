-- Marts: the shapes the engine and the pages read. Views, so that rows added later by
-- `python -m etl import` (models_imported, shipments_imported) and the settings table count at once.

-- One row per model: copies with the same normalised name and publication date are merged. The copy
-- of the preferred origin (curated unless settings prefer = upstream), then the latest import, gives
-- the row; every value it lacks (empty) is taken from the next copy in that order that has it, so a
-- copy without a value never hides another copy's value. `filled_columns` names the values so taken
-- (training compute brings its copy's confidence with it); `copy_source_ids` lists every copy's
-- source. `year` is the decimal year of publication.
create or replace view mart_models as
with copies as (
    select m.*,
           regexp_replace(lower(m.name), '[^\p{L}\p{N}]+', '', 'g') as model_key,
           case when (m.origin = 'imported') = p.prefer_upstream then 0 else 1 end as origin_rank
    from stg_models m cross join stg_preferences p
),
merged as (
    select * exclude (model_key, origin_rank) replace (
               coalesce(first_value(nullif(organisation, []) ignore nulls) over every_copy, organisation) as organisation,
               coalesce(first_value(nullif(domain, []) ignore nulls) over every_copy, domain) as domain,
               first_value(parameters ignore nulls) over every_copy as parameters,
               first_value(training_compute_flop ignore nulls) over every_copy as training_compute_flop,
               first_value(training_tokens ignore nulls) over every_copy as training_tokens,
               first_value(notable ignore nulls) over every_copy as notable,
               first_value(frontier ignore nulls) over every_copy as frontier,
               first_value(openai_2018 ignore nulls) over every_copy as openai_2018,
               case when training_compute_flop is null
                    then coalesce(first_value(case when training_compute_flop is not null then confidence end
                                              ignore nulls) over every_copy, confidence)
                    else confidence end as confidence
           ),
           list_filter([
               case when nullif(organisation, []) is null and first_value(nullif(organisation, []) ignore nulls) over every_copy is not null then 'organisation' end,
               case when nullif(domain, []) is null and first_value(nullif(domain, []) ignore nulls) over every_copy is not null then 'domain' end,
               case when parameters is null and first_value(parameters ignore nulls) over every_copy is not null then 'parameters' end,
               case when training_compute_flop is null and first_value(training_compute_flop ignore nulls) over every_copy is not null then 'training_compute_flop' end,
               case when training_tokens is null and first_value(training_tokens ignore nulls) over every_copy is not null then 'training_tokens' end,
               case when notable is null and first_value(notable ignore nulls) over every_copy is not null then 'notable' end,
               case when frontier is null and first_value(frontier ignore nulls) over every_copy is not null then 'frontier' end,
               case when openai_2018 is null and first_value(openai_2018 ignore nulls) over every_copy is not null then 'openai_2018' end
           ], lambda c: c is not null) as filled_columns,
           list_sort(list_distinct(list(source_id) over every_copy)) as copy_source_ids,
           row_number() over every_copy as rank_in_group
    from copies
    window every_copy as (
        partition by model_key, publication_date
        order by origin_rank, imported_at desc nulls last, source_row
        rows between unbounded preceding and unbounded following
    )
)
select * exclude (rank_in_group),
       year(publication_date)
         + (dayofyear(publication_date) - 1) / dayofyear(make_date(year(publication_date), 12, 31))::double
         as year
from merged
where rank_in_group = 1;
comment on view mart_models is 'Curated and imported models, copies merged (a missing value is taken from another copy), with origin and decimal year.';

-- Running record-holders: each model whose training compute beats every earlier model's.
create or replace view mart_frontier_models as
with ordered as (
    select name, organisation, publication_date, year, domain, parameters, training_compute_flop,
           confidence, source_id, origin,
           max(training_compute_flop) over (
               order by publication_date, training_compute_flop desc, name
               rows between unbounded preceding and 1 preceding
           ) as previous_record_flop
    from mart_models
    where training_compute_flop is not null and publication_date is not null
)
select *, training_compute_flop / previous_record_flop as record_factor
from ordered
where previous_record_flop is null or training_compute_flop > previous_record_flop
order by publication_date;
comment on view mart_frontier_models is 'Running record-holders of training compute (FLOP), in date order.';

-- Shipment rows after merging curated and imported copies (same vendor, chip, period): the preferred
-- copy gives the row; when it lacks units or H100e, the next copy that has them gives those (each as a
-- median with its 5-95% band, never mixed across copies).
create or replace view int_shipments_deduped as
with copies as (
    select s.*,
           case when (s.origin = 'imported') = p.prefer_upstream then 0 else 1 end as origin_rank,
           case when s.units_median is not null
                then {'p5': s.units_p5, 'median': s.units_median, 'p95': s.units_p95} end as units_band,
           case when s.h100e_median is not null
                then {'p5': s.h100e_p5, 'median': s.h100e_median, 'p95': s.h100e_p95} end as h100e_band
    from stg_shipments s cross join stg_preferences p
),
merged as (
    select * exclude (origin_rank, units_band, h100e_band),
           first_value(units_band ignore nulls) over every_copy as units_filled,
           first_value(h100e_band ignore nulls) over every_copy as h100e_filled,
           row_number() over every_copy as rank_in_group
    from copies
    window every_copy as (
        partition by lower(vendor), lower(chip), period_start, period_end
        order by origin_rank, imported_at desc nulls last, source_row
        rows between unbounded preceding and unbounded following
    )
)
select * exclude (rank_in_group, units_filled, h100e_filled) replace (
           coalesce(units_median, units_filled.median) as units_median,
           case when units_median is null then units_filled.p5 else units_p5 end as units_p5,
           case when units_median is null then units_filled.p95 else units_p95 end as units_p95,
           coalesce(h100e_median, h100e_filled.median) as h100e_median,
           case when h100e_median is null then h100e_filled.p5 else h100e_p5 end as h100e_p5,
           case when h100e_median is null then h100e_filled.p95 else h100e_p95 end as h100e_p95
       )
from merged
where rank_in_group = 1;
comment on view int_shipments_deduped is 'Shipment rows, curated and imported, de-duplicated.';

-- One row per vendor and period: the vendor total (chip = all) when given, else the sum of its chips.
-- Summing the chips' 5th and 95th percentiles gives a band at least as wide as the true one (cautious).
create or replace view int_shipments_vendor_period as
with chosen as (
    select s.* from int_shipments_deduped s
    where lower(s.chip) = 'all'
       or not exists (
           select 1 from int_shipments_deduped t
           where lower(t.chip) = 'all' and t.vendor = s.vendor and t.granularity = s.granularity
             and t.period_start = s.period_start and t.period_end = s.period_end
       )
)
select vendor, granularity, period_start, period_end,
       list(chip order by chip) as chips,
       sum(units_p5) as units_p5, sum(units_median) as units_median, sum(units_p95) as units_p95,
       sum(h100e_p5) as h100e_p5, sum(h100e_median) as h100e_median, sum(h100e_p95) as h100e_p95,
       case when bool_or(confidence = 'speculative') then 'speculative'
            when bool_or(confidence = 'estimate') then 'estimate' else 'confirmed' end as confidence,
       list(distinct source_id order by source_id) as source_ids,
       case when count(distinct origin) > 1 then 'mixed' else any_value(origin) end as origin
from chosen
group by vendor, granularity, period_start, period_end;
comment on view int_shipments_vendor_period is 'Shipments per vendor and period (vendor total, else sum of chips).';

create or replace view mart_shipments_quarterly as
select vendor, year(period_start) as year, quarter(period_start) as quarter,
       year(period_start) + (quarter(period_start) - 1) / 4.0 as decimal_year,
       period_start, period_end, chips,
       units_p5, units_median, units_p95, h100e_p5, h100e_median, h100e_p95,
       confidence, source_ids, origin
from int_shipments_vendor_period
where granularity = 'quarter'
order by vendor, period_start;
comment on view mart_shipments_quarterly is 'Accelerator shipments per vendor and quarter: units and H100e, median and 5-95% band.';

-- One row per vendor and year: four summed quarters when complete, else a published annual figure,
-- else the quarters there are (basis = partial_quarters, quarters_covered < 4).
create or replace view mart_shipments_annual as
with from_quarters as (
    select vendor, year, count(*) as quarters_covered,
           sum(units_p5) as units_p5, sum(units_median) as units_median, sum(units_p95) as units_p95,
           sum(h100e_p5) as h100e_p5, sum(h100e_median) as h100e_median, sum(h100e_p95) as h100e_p95,
           case when bool_or(confidence = 'speculative') then 'speculative'
                when bool_or(confidence = 'estimate') then 'estimate' else 'confirmed' end as confidence,
           list_sort(list_distinct(flatten(list(source_ids)))) as source_ids,
           case when count(distinct origin) > 1 then 'mixed' else any_value(origin) end as origin
    from mart_shipments_quarterly
    group by vendor, year
),
candidates as (
    select *, case when quarters_covered = 4 then 'quarters' else 'partial_quarters' end as basis,
           case when quarters_covered = 4 then 0 else 2 end as priority
    from from_quarters
    union all by name
    select vendor, year(period_start) as year, null::bigint as quarters_covered,
           units_p5, units_median, units_p95, h100e_p5, h100e_median, h100e_p95,
           confidence, source_ids, origin, 'annual' as basis, 1 as priority
    from int_shipments_vendor_period
    where granularity = 'year'
),
ranked as (
    select *, row_number() over (partition by vendor, year order by priority) as rank_in_group
    from candidates
)
select vendor, year, basis, quarters_covered,
       units_p5, units_median, units_p95, h100e_p5, h100e_median, h100e_p95,
       confidence, source_ids, origin
from ranked
where rank_in_group = 1
order by vendor, year;
comment on view mart_shipments_annual is 'Accelerator shipments per vendor and year (from quarters, else annual figures), with bands.';

-- Cumulative H100e shipped per vendor, plus vendor = 'all' for the sum over vendors; no retirement
-- (the chip lifetime is a model choice, applied in models/). Raw rows of vendor 'all' (a market total)
-- are left out so that they are not added to the vendors they already contain.
create or replace view mart_installed_stock as
with per_vendor as (
    select vendor, year, h100e_p5, h100e_median, h100e_p95
    from mart_shipments_annual
    where h100e_median is not null and lower(vendor) <> 'all'
),
with_total as (
    select * from per_vendor
    union all
    select 'all', year, sum(h100e_p5), sum(h100e_median), sum(h100e_p95) from per_vendor group by year
)
select vendor, year,
       h100e_p5 as shipped_h100e_p5, h100e_median as shipped_h100e_median, h100e_p95 as shipped_h100e_p95,
       sum(h100e_p5) over running as cumulative_h100e_p5,
       sum(h100e_median) over running as cumulative_h100e_median,
       sum(h100e_p95) over running as cumulative_h100e_p95
from with_total
window running as (partition by vendor order by year rows between unbounded preceding and current row)
order by vendor, year;
comment on view mart_installed_stock is 'Cumulative H100-equivalents shipped per vendor and in total (vendor = all), no retirement.';


-- Compute bought per owner group (hyperscaler, china, other) and quarter, over all vendors, with the
-- vendors' total for the same quarter beside it. Bands are summed (wider than the true band). Epoch's
-- owner medians are separate model runs: they add up to 80-100% of the chip-sales total, so
-- `share_of_total` is each group's part of the owner sum, and `owners_over_total` says how much is attributed.
create or replace view mart_chip_owner_groups as
with groups as (
    select owner_group, period_start, max(period_end) as period_end,
           sum(h100e_p5) as h100e_p5, sum(h100e_median) as h100e_median, sum(h100e_p95) as h100e_p95,
           list(distinct vendor order by vendor) as vendors
    from stg_chip_owners
    group by owner_group, period_start
),
owner_totals as (
    select period_start, sum(h100e_median) as owners_median from stg_chip_owners group by period_start
),
vendor_totals as (
    select period_start, sum(h100e_median) as shipped_median
    from mart_shipments_quarterly
    where lower(vendor) in (select distinct lower(vendor) from stg_chip_owners)
    group by period_start
)
select g.owner_group, year(g.period_start) as year, quarter(g.period_start) as quarter,
       year(g.period_start) + (quarter(g.period_start) - 1) / 4.0 as decimal_year,
       g.period_start, g.period_end, g.vendors, g.h100e_p5, g.h100e_median, g.h100e_p95,
       g.h100e_median / nullif(o.owners_median, 0) as share_of_total,
       v.shipped_median, o.owners_median / nullif(v.shipped_median, 0) as owners_over_total
from groups g
join owner_totals o using (period_start)
left join vendor_totals v using (period_start)
order by g.period_start, g.owner_group;
comment on view mart_chip_owner_groups is 'H100e bought per owner group (hyperscaler, china, other) and quarter, with shares and the shipped total.';
