"""Request examples shown in openapi.yaml and the README; tests post every one to the live app."""

NEV_INSURANCE_EN = {
    "name": "ChargeSafe NEV cover",
    "domain": "insurtech",
    "tech_stack": ["IoT", "AI pricing"],
    "scenarios": ["NEV charging"],
    "target_segments": ["NEV owners"],
    "business_model": ["insurance premiums", "finance plus service bundle"],
    "partners": ["charging operators"],
    "compliance": {
        "licenses": ["insurance agency licence"],
        "data_sources": ["telemetry"],
        "privacy_controls": ["granular consent"],
        "cross_border": False,
        "certification": "in_progress",
        "sandbox": False,
        "max_apr": None,
    },
}

NEV_INSURANCE_ZH = {
    "name": "充电安心新能源车险",
    "domain": "保险科技",
    "tech_stack": ["物联网", "AI精准定价"],
    "scenarios": ["新能源汽车"],
    "target_segments": ["新能源车主"],
    "business_model": ["保费收入", "金融+服务捆绑"],
    "partners": ["充电桩运营商"],
    "compliance": {
        "licenses": ["保险代理牌照"],
        "data_sources": ["驾驶行为数据"],
        "privacy_controls": ["知情同意"],
        "cross_border": False,
        "certification": "in_progress",
        "sandbox": False,
        "max_apr": None,
    },
}

SOCIAL_CREDIT_EN = {
    "name": "QuickCash social-score loans",
    "domain": "lending",
    "tech_stack": ["AI risk control"],
    "scenarios": [],
    "target_segments": ["gen z"],
    "business_model": ["whitelist approval", "interest income"],
    "compliance": {
        "licenses": [],
        "data_sources": ["social data", "contacts"],
        "privacy_controls": [],
        "certification": "none",
        "max_apr": 0.3,
    },
}

PROFILE_EXAMPLES = {
    "nev_insurance_en": {"summary": "Vertical insurtech product (English terms)", "value": NEV_INSURANCE_EN},
    "nev_insurance_zh": {"summary": "同一产品,中文术语 (same product in Chinese)", "value": NEV_INSURANCE_ZH},
    "social_credit_en": {"summary": "Look-alike credit product with compliance trouble", "value": SOCIAL_CREDIT_EN},
}

BATCH_EXAMPLES = {
    "mixed": {
        "summary": "Two good items and one with a misspelt term: every item is answered",
        "value": {"items": [NEV_INSURANCE_EN, NEV_INSURANCE_ZH, {**SOCIAL_CREDIT_EN, "domain": "lendng"}]},
    },
}

COMPARE_EXAMPLES = {
    "edits": {
        "summary": "A look-alike credit product and two ways to change it",
        "value": {"base": SOCIAL_CREDIT_EN, "edits": [
            [{"action": "remove", "field": "compliance.data_sources", "value": "contacts"}],
            [{"action": "add", "field": "scenarios", "value": "农业"},
             {"action": "add", "field": "target_segments", "value": "farmers"}],
        ]},
    },
    "variants": {
        "summary": "The same insurance product in English and Chinese, and a pet variant",
        "value": {"variants": [NEV_INSURANCE_EN, NEV_INSURANCE_ZH, {**NEV_INSURANCE_EN, "scenarios": ["pets"]}]},
    },
}
