import pytest

from service.errors import UnknownTerm, UnknownTerms
from service.profile import Compliance
from service.vocabulary import Term, Vocabulary, normalise, normalise_profile

# Every term the scoring-core issue lists, as a user would write it in English and in Chinese.
REPORT_TERMS = [
    ("domain", "payments", "Payments", "支付结算"),
    ("domain", "lending", "credit financing", "融资信贷"),
    ("domain", "wealth_management", "wealth management", "财富管理"),
    ("domain", "insurtech", "insurtech", "保险科技"),
    ("domain", "regtech", "RegTech", "监管科技"),
    ("technology", "ai_risk_control", "AI risk control", "智能风控"),
    ("technology", "graph_neural_network", "graph neural networks", "图神经网络"),
    ("technology", "llm", "LLM adviser", "大模型"),
    ("technology", "reinforcement_learning", "reinforcement learning", "强化学习"),
    ("technology", "multimodal_recognition", "multimodal recognition", "多模态识别"),
    ("technology", "blockchain", "blockchain", "区块链"),
    ("technology", "smart_contract", "smart contracts", "智能合约"),
    ("technology", "zero_knowledge_proof", "zero-knowledge proofs", "零知识证明"),
    ("technology", "ecny", "e-CNY", "数字人民币"),
    ("technology", "federated_learning", "federated learning", "联邦学习"),
    ("technology", "big_data_profiling", "big data profiling", "大数据用户画像"),
    ("technology", "graph_computing", "graph computing", "图计算"),
    ("technology", "transfer_learning", "transfer learning", "迁移学习"),
    ("technology", "iot", "IoT", "物联网"),
    ("technology", "satellite_remote_sensing", "satellite remote sensing", "卫星遥感"),
    ("technology", "hybrid_cloud", "hybrid cloud", "混合云"),
    ("technology", "distributed_database", "distributed databases", "分布式数据库"),
    ("scenario", "nev_charging", "NEV and charging", "充电桩"),
    ("scenario", "pets", "pets", "宠物"),
    ("scenario", "mother_baby", "mother-and-baby", "母婴"),
    ("scenario", "elderly_care", "elderly care", "养老"),
    ("scenario", "rural_agriculture", "rural", "农业"),
    ("scenario", "supply_chain", "supply chain", "供应链"),
    ("scenario", "cross_border_trade", "cross-border trade", "跨境贸易"),
    ("scenario", "green_carbon", "green finance", "碳账户"),
    ("scenario", "dining", "dining", "餐饮"),
    ("scenario", "travel", "travel", "出行旅游"),
    ("scenario", "local_life", "local life", "本地生活"),
    ("scenario", "sme_operations", "SME operations", "商户经营"),
    ("scenario", "social", "social", "社交"),
    ("scenario", "government_services", "government services", "政务服务"),
    ("segment", "gen_z", "Gen Z", "Z世代"),
    ("segment", "middle_class_family", "middle-class families", "中产家庭"),
    ("segment", "high_net_worth", "high net worth", "高净值人群"),
    ("segment", "sme", "SMEs", "中小企业"),
    ("segment", "micro_merchant", "micro businesses", "小微企业"),
    ("segment", "farmers", "farmers", "农户"),
    ("segment", "elderly", "elderly", "老年人"),
    ("segment", "white_collar", "white-collar", "白领"),
    ("segment", "core_enterprise", "core enterprises", "核心企业"),
    ("segment", "financial_institution", "financial institutions", "金融机构"),
    ("data_source", "social_data", "social data", "社交数据"),
    ("data_source", "contacts", "contacts", "通讯录"),
    ("data_source", "location", "location", "位置数据"),
    ("data_source", "home_address", "home address", "家庭住址"),
    ("data_source", "consumption_habits", "consumption habits", "消费习惯"),
    ("data_source", "health_data", "health data", "健康数据"),
    ("data_source", "credit_bureau", "credit bureau", "央行征信数据"),
    ("data_source", "transaction_data", "transaction data", "交易数据"),
    ("data_source", "ecommerce_data", "e-commerce data", "电商数据"),
    ("data_source", "telemetry", "telemetry", "车载与设备数据"),
    ("data_source", "satellite_imagery", "satellite imagery", "卫星影像"),
    ("privacy_control", "consent_dashboard", "consent dashboard", "数据仪表盘"),
    ("privacy_control", "granular_consent", "granular consent", "可控授权"),
    ("privacy_control", "anonymisation", "anonymisation", "脱敏"),
    ("privacy_control", "federated_learning", "federated learning", "联邦学习"),
    ("privacy_control", "privacy_computing", "privacy computing", "隐私计算"),
    ("privacy_control", "blockchain_notarisation", "blockchain notarisation", "区块链存证"),
    ("business_model", "whitelist_auto_approval", "whitelist + automated approval", "白名单+自动审批"),
    ("business_model", "qr_code_collection", "QR-code collection", "扫码收款"),
    ("business_model", "fee_subsidies", "fee subsidies", "费率补贴"),
    ("business_model", "plain_fund_sales", "plain fund sales", "基础品类基金超市"),
]


@pytest.mark.parametrize("kind,code,english,chinese", REPORT_TERMS)
def test_every_report_term_is_recognised_in_both_languages(benchmarks, kind, code, english, chinese):
    vocabulary = benchmarks.vocabulary
    assert vocabulary.resolve(kind, english).code == code
    assert vocabulary.resolve(kind, chinese).code == code
    term = vocabulary.term(kind, code)
    assert term.en and term.zh and term.section


def test_every_term_has_both_labels_and_a_section_or_an_external_basis(benchmarks):
    for kind in benchmarks.vocabulary.kinds:
        for term in benchmarks.vocabulary.terms(kind):
            assert term.en and term.zh, term
            assert term.section or term.basis, term


@pytest.mark.parametrize("spelling", ["AI-Risk-Control", "ai_risk_control", "  ai risk   control ", "ＡＩ风控", "Ai/Risk Control"])
def test_lookup_ignores_case_width_and_separators(benchmarks, spelling):
    assert benchmarks.vocabulary.resolve("technology", spelling).code == "ai_risk_control"


def test_normalise_folds_full_width_and_drops_control_characters():
    assert normalise("Ｚ世代\u200b") == normalise("z世代")
    assert normalise("Gen\x00 Z") == "genz"


def test_unknown_term_carries_closest_matches(benchmarks):
    with pytest.raises(UnknownTerm) as caught:
        benchmarks.vocabulary.resolve("technology", "blokchain")
    assert caught.value.suggestions[0] == "blockchain"
    assert "did you mean 'blockchain'" in str(caught.value)


def test_unknown_term_in_the_wrong_field_says_where_it_belongs(benchmarks):
    with pytest.raises(UnknownTerm) as caught:
        benchmarks.vocabulary.resolve("technology", "宠物")
    assert "'scenarios'" in caught.value.hint


def test_gibberish_gets_no_suggestions(benchmarks):
    with pytest.raises(UnknownTerm) as caught:
        benchmarks.vocabulary.resolve("scenario", "qqqqxxxxzzzz")
    assert caught.value.suggestions == ()


def test_a_spelling_naming_two_terms_of_one_kind_is_rejected():
    with pytest.raises(ValueError, match="names both"):
        Vocabulary([Term("scenario", "a", "Pets", "宠物"), Term("scenario", "b", "Animals", "动物", synonyms=("pets",))])


def test_strict_handling_reports_every_loose_or_unknown_term_with_its_path(benchmarks):
    raw = {"name": "x", "domain": "lendng", "tech_stack": ["blockchain", "quantum finance"],
           "compliance": {"data_sources": ["social data", "dna"]}}
    with pytest.raises(UnknownTerms) as caught:
        normalise_profile(raw, benchmarks.vocabulary, strict=True)
    fields = [e.field for e in caught.value.errors]
    assert fields == ["domain", "tech_stack[1]", "compliance.data_sources[1]"]
    assert caught.value.errors[0].suggestions[0] == "lending"


def test_lenient_handling_scores_what_was_understood_and_lists_the_rest(benchmarks):
    raw = {"name": "x", "domain": "lendng", "tech_stack": ["blockchain", "quantum finance"],
           "compliance": {"data_sources": ["social data", "dna"]}}
    profile, readings = normalise_profile(raw, benchmarks.vocabulary)
    assert profile.domain == "lending" and profile.tech_stack == ("blockchain",)
    assert profile.compliance.data_sources == ("social_data",)
    by_field = {r.field: r for r in readings}
    assert by_field["domain"].how == "fuzzy" and 0 < by_field["domain"].similarity < 1
    assert by_field["tech_stack[1]"].how == "not_recognised"
    assert by_field["compliance.data_sources[1]"].how == "not_recognised"
    assert [r.field for r in readings if r.understood] == ["domain", "tech_stack[0]", "compliance.data_sources[0]"]


def test_normalise_profile_maps_chinese_and_english_to_the_same_codes(benchmarks):
    en = normalise_profile({"name": "a", "domain": "insurtech", "scenarios": ["pets", "Pets"],
                            "compliance": {"licenses": ["insurance licence"]}}, benchmarks.vocabulary)[0]
    zh = normalise_profile({"name": "a", "domain": "保险科技", "scenarios": ["宠物"],
                            "compliance": {"licenses": ["保险牌照"]}}, benchmarks.vocabulary)[0]
    assert en == zh
    assert en.scenarios == ("pets",)
    assert en.compliance == Compliance(licenses=("insurance_license",))
