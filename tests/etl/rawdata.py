"""A small, valid raw folder written into tmp_path, and helpers to break it one way at a time."""

from __future__ import annotations

import hashlib
from pathlib import Path

# Hand-made rows. Figures are chosen so that mart results can be worked out on paper (see the tests).
VALID_TABLES: dict[str, str] = {
    "sources": """\
source_id,title,organisation,year,url,licence,accessed,grade,notes
src-a,Source A,Org A,2024,https://example.org/a,CC BY 4.0,2025-01-02,P,
src-b,Source B,Org B,2023,https://example.org/b,CC BY 4.0,2025-01-02,S,second source
""",
    "models": """\
name,organisation,publication_date,domain,parameters,training_compute_flop,training_tokens,notable,frontier,openai_2018,confidence,source_id,notes
AlexNet,University of Toronto,2012-09-30,Vision,6.0e7,4.7e17,1.2e6,true,true,true,confirmed,src-a,
GPT-3,OpenAI,2020-05-28,Language,1.75e11,3.14e23,3.0e11,true,true,false,confirmed,src-a,
Small-2021,Lab X;Lab Y,2021-01-01,Language;Vision,1.0e9,1.0e21,,true,false,false,estimate,src-b,
GPT-4,OpenAI,2023-03-15,Multimodal,,2.1e25,,true,true,false,estimate,src-a,an estimate
""",
    "accelerators": """\
accelerator_id,name,vendor,release_date,bf16_dense_flops,fp8_dense_flops,memory_gb,memory_bandwidth_tbs,tdp_w,die_area_mm2,process_node,foundry,launch_price_usd,confidence,source_id,notes
nvidia-h100-sxm,H100 SXM,NVIDIA,2022-09-20,9.89e14,1.979e15,80,3.35,700,814,4N,TSMC,30000,estimate,src-a,
""",
    "shipments": """\
vendor,chip,period_start,period_end,granularity,units_p5,units_median,units_p95,h100e_p5,h100e_median,h100e_p95,confidence,source_id,notes
NVIDIA,H100,2024-01-01,2024-03-31,quarter,80,100,120,80,100,120,estimate,src-a,
NVIDIA,A100,2024-01-01,2024-03-31,quarter,10,20,30,3,6,9,estimate,src-a,
NVIDIA,H100,2024-04-01,2024-06-30,quarter,90,110,130,90,110,130,estimate,src-a,
NVIDIA,H100,2024-07-01,2024-09-30,quarter,100,120,140,100,120,140,estimate,src-a,
NVIDIA,H100,2024-10-01,2024-12-31,quarter,110,130,150,110,130,150,confirmed,src-a,
NVIDIA,all,2023-01-01,2023-12-31,year,300,400,500,300,400,500,estimate,src-b,
NVIDIA,all,2024-01-01,2024-12-31,year,1,2,3,1,2,3,estimate,src-b,ignored: four quarters exist
AMD,all,2024-01-01,2024-03-31,quarter,5,10,15,4,8,12,speculative,src-b,
AMD,MI300X,2024-01-01,2024-03-31,quarter,1,1,1,1,1,1,estimate,src-b,ignored: vendor total given
""",
    "market_share": """\
year,market,market_definition,vendor,share,confidence,source_id,notes
2023,dc_gpu_units,Data-centre GPU units shipped,NVIDIA,0.9,estimate,src-b,
2023,dc_gpu_units,Data-centre GPU units shipped,AMD,0.1,estimate,src-b,
""",
    "foundry_capacity": """\
year,foundry,node,unit,capacity_low,capacity_central,capacity_high,confidence,source_id,notes
2024,TSMC,CoWoS,wafers/month,30000,35000,40000,estimate,src-a,
""",
    "trend_claims": """\
claim_id,quantity,population,label,label_zh,growth_per_year,doubling_months,period_start,period_end,seed_claim,source_id,notes
openai-2018,training_compute,largest runs,OpenAI 2018: 3.43-month doubling,OpenAI 2018：3.43 个月翻倍,11.3,3.43,2012,2018,S1,src-a,
epoch-4x,training_compute,notable models,Epoch: 4x per year,Epoch：每年 4 倍,4,,2010,2024,,src-b,
openai-2018-3-43-months,training_compute,largest runs,engine claim,引擎论断,11.3023,3.43,2012,2018,,src-a,named in models/scenario.py CLAIMS
sevilla-2022-deep-learning,training_compute,milestones,engine claim,引擎论断,4.3028,5.7,2010,2022,,src-a,named in models/scenario.py CLAIMS
epoch-2024-frontier-4x,training_compute,frontier,engine claim,引擎论断,4,6,2018,2024,,src-b,named in models/scenario.py CLAIMS
epoch-notable-4-6x-since-2010,training_compute,notable,engine claim,引擎论断,4.6,5.45,2010,2024,,src-b,named in models/scenario.py CLAIMS
seed-2023-global-compute-3-43-months,training_compute,global,engine claim,引擎论断,11.3023,3.43,2012,2018,,src-a,named in models/scenario.py CLAIMS
""",
    "events": """\
date,label,label_zh,kind,source_id,notes
2022-11-30,ChatGPT released,ChatGPT 发布,release,src-a,
2023-04-05,ChatGPT Plus sign-ups paused,ChatGPT Plus 暂停订阅,outage,src-b,
""",
    "clusters": """\
cluster_id,name,owner,country,date,h100e,power_mw,status,confidence,source_id,notes
site-a,Site A,Lab X,United States,2024-09-02,100000,150,operational,confirmed,src-a,
site-a,Site A,Lab X,United States,2026-05-13,,1000,planned,estimate,src-b,power only
""",
    "chip_owners": """\
vendor,owner,owner_group,period_start,period_end,h100e_p5,h100e_median,h100e_p95,units_median,confidence,source_id,notes
NVIDIA,Microsoft,hyperscaler,2024-01-01,2024-03-31,50,60,70,60,estimate,src-a,
NVIDIA,China,china,2024-01-01,2024-03-31,5,10,15,60,estimate,src-a,
NVIDIA,Other,other,2024-01-01,2024-03-31,20,30,40,30,estimate,src-a,
""",
    "china_supply": """\
metric,year,vendor,definition,unit,value_low,value_central,value_high,confidence,source_id,notes
ascend_production,2025,Huawei,capacity (government),chips,,,200000,estimate,src-a,upper bound only
ascend_production,2025,Huawei,packages produced (analyst),chips,,805000,,speculative,src-b,
""",
    "usage": """\
date,metric,subject,value,unit,definition,window_hours,confidence,source_id,notes
2023-11-06,weekly_active_users,ChatGPT,1e8,users,weekly users,,confirmed,src-a,
2023-03-23,message_cap,ChatGPT Plus: GPT-4,25,messages per window,per subscriber,3,estimate,src-b,
""",
    "model_serving": """\
model,params_total,params_active,layers,kv_heads,head_dim,kv_bytes_per_token,context_tokens,bytes_per_param,precision,confidence,source_id,notes
Dense-70B,7e10,7e10,80,8,128,327680,8192,2,BF16,confirmed,src-a,
""",
}


def write_raw(folder: Path, **replacements: str | None) -> Path:
    """Write the valid tables into folder; a keyword replaces that table's text (None: leave the file out)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in {**VALID_TABLES, **replacements}.items():
        if content is not None:
            (folder / f"{name}.csv").write_text(content, encoding="utf-8")
    return folder


def edit(table: str, old: str, new: str) -> str:
    """The valid text of a table with one substring replaced (it must occur)."""
    content = VALID_TABLES[table]
    assert old in content, f"{old!r} not in {table}"
    return content.replace(old, new, 1)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
