"""Small hand-made frames shaped like the marts, so builder tests know every expected value."""

from __future__ import annotations

import pandas as pd
import pytest


@pytest.fixture
def models_frame():
    return pd.DataFrame({
        "name": ["AlexNet", "GPT-3", "=cmd|' /C calc'!A0"],
        "organisation": [["University of Toronto"], ["OpenAI"], ["Mallory"]],
        "publication_date": pd.to_datetime(["2012-09-30", "2020-05-28", "2023-03-14"]),
        "year": [2012.75, 2020.4, 2023.2],
        "parameters": [6.0e7, 1.75e11, None],
        "training_compute_flop": [4.7e17, 3.14e23, 2.1e25],
        "confidence": ["confirmed", "confirmed", "speculative"],
        "source_id": ["epoch-notable-models"] * 3,
        "notable": [True, True, True],
        "frontier": [True, True, True],
        "domain": [["Vision"], ["Language"], ["Language"]],
    })


@pytest.fixture
def sources_frame():
    return pd.DataFrame({
        "source_id": ["epoch-notable-models", "openai-ai-and-compute-2018"],
        "title": ["Notable AI Models (data export)", "AI and Compute"],
        "organisation": ["Epoch AI", "OpenAI"],
        "licence": [None, "© OpenAI; figures cited"],  # Epoch's licence left blank: the footer adds CC BY 4.0
    })
