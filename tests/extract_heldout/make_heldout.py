# ruff: noqa: E501
"""Held-out labelled documents, written after the extractor was tuned and scored once without changes.

Own sentences around public facts (sources in each gold file); run from this directory to rewrite the files.
"""
import pathlib

import yaml

TSV = "/work/shared/research/major_accidents_2015_2020.tsv row {}"
PF = "/work/shared/research/public-facts.md §{}"
docs = {
    "h01_news_tiantai": ("""浙江天台县赤城街道一家足浴中心在2017年2月5日傍晚起火，大火致18人遇难。当地随即开展了人员密集场所消防安全大检查。
""", {"facts": [TSV.format("2017-02-05")], "accidents": [{"date": "2017-02-05", "adcode": "331023", "deaths": 18, "kind": "火灾"}]}),
    "h02_notice_fengcheng": ("""日期: 2017-09-30

江西丰城发电厂“11·24”冷却塔施工平台坍塌特别重大事故共造成73人死亡，暴露出工期压缩、违规拆模等严重问题。
""", {"facts": [TSV.format("2016-11-24")], "accidents": [{"date": "2016-11-24", "adcode": "360981", "deaths": 73, "kind": "坍塌", "severity": "特别重大"}]}),
    "h03_notice_two_coal": ("""标题: 煤矿和化工事故警示(练习稿)
日期: 2019-01-10

去年，山东郓城龙郓煤业“10·20”冲击地压事故与四川江安宜宾恒达科技公司“7·12”爆炸着火事故分别造成21人、19人死亡，教训极为深刻。
""", {"facts": [TSV.format("2018-10-20"), TSV.format("2018-07-12")],
      "accidents": [{"date": "2018-10-20", "adcode": "371725", "deaths": 21}, {"date": "2018-07-12", "adcode": "511523", "deaths": 19, "kind": "爆炸"}]}),
    "h04_accountability_mix": ("""日期: 2021-09-20

山西省通报太原台骀山冰雕馆“10·1”火灾的处理情况：38名公职人员受到党纪政务处分或组织处理；事故企业13名责任人被公安机关采取刑事措施，其中6人被依法逮捕、7人被监视居住。
""", {"facts": [PF.format("2")], "accidents": [{"date": "2020-10-01", "adcode": "140100", "kind": "火灾"}],
      "counts": [{"measure": "party_government_disciplined", "count": 38}, {"measure": "criminal_measures", "count": 13}, {"measure": "arrested", "count": 6}]}),
    "h05_report_xiangtan": ("""2019年9月22日16时30分许，湘潭县花石镇境内一辆货车制动失效后与多车相撞，共造成10人死亡。经调查，这是一起重大道路交通事故。
""", {"facts": [TSV.format("2019-09-22")], "accidents": [{"date": "2019-09-22", "adcode": "430321", "deaths": 10, "time": "16:30", "kind": "道路交通", "severity": "重大"}]}),
}
for name, (text, gold) in docs.items():
    pathlib.Path(f"{name}.txt").write_text(text, encoding="utf-8")
    pathlib.Path(f"{name}.gold.yaml").write_text("# Held-out labelled document (see make_heldout.py).\n" + yaml.safe_dump(gold, allow_unicode=True, sort_keys=False), encoding="utf-8")
