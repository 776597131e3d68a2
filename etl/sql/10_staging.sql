-- Staging views: one per raw table, rename and cast only. The curated and imported rows of models
-- and shipments are stacked here (with `origin`) so that every mart sees both.

create or replace view stg_sources as select * from sources;
comment on view stg_sources is 'Sources, as loaded from sources.csv.';

create or replace view stg_accelerators as select * from accelerators;
comment on view stg_accelerators is 'Accelerators, as loaded from accelerators.csv.';

create or replace view stg_market_share as select * from market_share;
comment on view stg_market_share is 'Market shares, as loaded from market_share.csv.';

create or replace view stg_foundry_capacity as select * from foundry_capacity;
comment on view stg_foundry_capacity is 'Foundry, CoWoS and HBM capacity, as loaded from foundry_capacity.csv.';

create or replace view stg_events as select * from events;
comment on view stg_events is 'Chart annotation events, as loaded from events.csv.';

create or replace view stg_chip_owners as select * from chip_owners;
comment on view stg_chip_owners is 'Accelerator H100e by vendor, owner and quarter, as loaded from chip_owners.csv.';

create or replace view stg_china_supply as select * from china_supply;
comment on view stg_china_supply is 'China''s AI chip supply by metric and definition (ranges kept apart), as loaded from china_supply.csv.';

create or replace view stg_clusters as select * from clusters;
comment on view stg_clusters is 'The largest AI sites over time (H100e, MW, operational or planned), as loaded from clusters.csv.';

create or replace view stg_usage as select * from usage;
comment on view stg_usage is 'Dated usage figures (users, messages, tokens, prices, caps), as loaded from usage.csv.';

create or replace view stg_model_serving as select * from model_serving;
comment on view stg_model_serving is 'Serving facts of models (parameters, KV cache, context), as loaded from model_serving.csv.';

-- A claim may give only one of growth and doubling time; fill the other (doubling = 12·ln2 / ln growth).
create or replace view stg_trend_claims as
select * replace (
    coalesce(growth_per_year, exp(12 * ln(2) / doubling_months)) as growth_per_year,
    coalesce(doubling_months, case when growth_per_year <> 1 then 12 * ln(2) / ln(growth_per_year) end) as doubling_months
)
from trend_claims;
comment on view stg_trend_claims is 'Trend claims with growth_per_year and doubling_months both filled.';

create or replace view stg_models as
select *, 'curated' as origin, null::varchar as import_file, null::varchar as import_format,
       null::timestamp as imported_at, null::integer as source_row
from models
union all by name
select *, 'imported' as origin from models_imported;
comment on view stg_models is 'Curated and imported models stacked, with origin; duplicates not yet removed.';

create or replace view stg_shipments as
select *, 'curated' as origin, null::varchar as import_file, null::varchar as import_format,
       null::timestamp as imported_at, null::integer as source_row
from shipments
union all by name
select *, 'imported' as origin from shipments_imported;
comment on view stg_shipments is 'Curated and imported shipment rows stacked, with origin; duplicates not yet removed.';

-- Whether imported (upstream) rows win over curated ones on a duplicate; curated by default.
-- The importers write settings key 'prefer' = 'curated' | 'upstream'; 'prefer_upstream' = true|false
-- is accepted too. 'prefer' wins when both are set.
create or replace view stg_preferences as
select coalesce(
    (select lower(trim(value)) = 'upstream' from settings where key = 'prefer'),
    (select lower(trim(value)) in ('true', '1', 'yes') from settings where key = 'prefer_upstream'),
    false
) as prefer_upstream;
comment on view stg_preferences is 'Whether imported rows win duplicates (settings prefer = upstream); false by default.'
