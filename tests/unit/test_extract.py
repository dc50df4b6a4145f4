import pytest

from service.vocabulary import TermFinder


@pytest.fixture(scope="module")
def finder(benchmarks):
    return TermFinder(benchmarks.vocabulary)


def found(finder, text):
    return [(m.field, m.code, m.phrase) for m in finder.find(text)]


def test_chinese_blurb(finder):
    text = "面向新能源车主的充电桩保险，利用物联网和AI精准定价，与充电桩运营商合作，采集驾驶行为数据并做数据脱敏。"
    hits = found(finder, text)
    assert ("target_segments", "ev_owners", "新能源车主") in hits
    assert ("tech_stack", "ai_pricing", "AI精准定价") in hits
    assert ("partners", "charging_operators", "充电桩运营商") in hits
    assert ("compliance.data_sources", "telemetry", "驾驶行为数据") in hits
    assert ("compliance.privacy_controls", "anonymisation", "数据脱敏") in hits
    assert not any(code == "auto_mobility" for _, code, _ in hits)  # "驾驶行为" lies inside "驾驶行为数据"


def test_english_words_match_whole_words_only(finder):
    hits = found(finder, "Email our AI risk control team; we use contacts and social data for farmers.")
    codes = [code for _, code, _ in hits]
    assert codes == ["ai_risk_control", "contacts", "social_data", "farmers"]
    assert "social" not in codes  # inside "social data"


def test_width_case_and_mixed_scripts(finder):
    hits = found(finder, "ＡＩ风控 for Ｚ世代 and GEN Z")
    assert ("tech_stack", "ai_risk_control", "ＡＩ风控") in hits
    assert [h for h in hits if h[1] == "gen_z"] == [("target_segments", "gen_z", "Ｚ世代")]


def test_a_term_of_two_kinds_is_reported_in_both_fields(finder):
    fields = {field for field, code, _ in found(finder, "联邦学习") if code == "federated_learning"}
    assert fields == {"tech_stack", "compliance.privacy_controls"}


def test_nothing_known_finds_nothing(finder):
    assert finder.find("The quick brown fox jumps over the lazy dog. 今天天气很好。") == []

