"""Writes the labelled documents: own sentences around public facts (sources in each gold file)."""
# ruff: noqa: E501  (regular expressions and Chinese test prose read better unwrapped)
import pathlib

import yaml

PF = "/work/shared/research/public-facts.md §{}"
docs = {}
def add(name, text, gold, encoding="utf-8"):
    docs[name] = (text, gold, encoding)

add("g01_notice_traps", """标题: 关于近期重大事故教训吸取情况的通报(练习稿)
文号: 练〔2021〕1号
日期: 2021-01-20

各地区：
现将近期几起重大事故暴露的问题通报如下。2019年“12·4”浏阳烟花厂爆炸发生后，长沙市开展了专项整治，但相关部门至今未吊销事故企业的安全生产许可证。山西临汾襄汾“8·29”饭店坍塌事故造成29人死亡，相隔33天，太原“10·1”火灾事故又造成13人死亡。
2020年4月15日，吉林松原一辆货车违法载人发生事故，造成12人死亡；10月4日，松原再次发生货车载人重大交通事故，造成18人死亡。
重庆松藻煤矿“9·27”、吊水洞煤矿“12·4”两起事故分别造成16人、23人死亡。
""", {"facts": [PF.format("1,2,4,5,6"), "major_accidents_2015_2020.tsv rows 2020-09-27, 2020-12-04"],
      "accidents": [
        {"date": "2019-12-04", "adcode": "430181", "kind": "爆炸"},
        {"date": "2020-08-29", "adcode": "141023", "deaths": 29, "kind": "坍塌"},
        {"date": "2020-10-01", "adcode": "140100", "deaths": 13, "kind": "火灾"},
        {"date": "2020-04-15", "adcode": "220700", "deaths": 12, "kind": "道路交通"},
        {"date": "2020-10-04", "adcode": "220700", "deaths": 18, "kind": "道路交通"},
        {"date": "2020-09-27", "adcode": "500000", "deaths": 16},
        {"date": "2020-12-04", "adcode": "500000", "deaths": 23}],
      "items": [{"label": "Penalty", "who": "浏阳烟花厂", "kind": "吊销安全生产许可证"}],
      "recurrences": [{"earlier": "2020-08-29", "later": "2020-10-01", "days": 33},
                      {"earlier": "2020-04-15", "later": "2020-10-04", "days": 172}]})

add("g02_notice_review_figures", """国务院安委会办公室组织对2015年至2019年发生的12起特别重大事故开展了整改落实情况评估，共涉及16个省(区、市)，发现具体问题152项，提出工作建议210条。
评估发现，江苏响水天嘉宜化工有限公司“3·21”特别重大爆炸事故造成78人死亡，当地对化工园区的整治仍不彻底。
长深高速江苏无锡“9·28”特别重大道路交通事故造成36人死亡，事故发生后客运企业隐患排查流于形式。
""", {"facts": ["major_accidents_2015_2020.tsv rows 2019-03-21, 2019-09-28",
               "figures 16/152/210 are invented for this exercise (no real figure is claimed)"],
      "accidents": [{"date": "2019-03-21", "adcode": "320921", "deaths": 78, "kind": "爆炸", "severity": "特别重大"},
                    {"date": "2019-09-28", "adcode": "320200", "deaths": 36, "kind": "道路交通", "severity": "特别重大"}],
      "review": {"accidents_especially_major": 12, "provinces": 16, "problems_found": 152, "recommendations": 210}})

add("g03_notice_quote_variants", """日期: 2020-11-30

通报指出，「8.29」襄汾饭店坍塌事故和"10•1"太原冰雕馆火灾暴露出农村经营性建筑和景区消防监管的漏洞。
福建泉州欣佳酒店『3．7』坍塌事故造成二十九人死亡，多个审批部门未能发现造假材料。
""", {"facts": [PF.format("1,2,3")],
      "accidents": [{"date": "2020-08-29", "adcode": "141023", "kind": "坍塌"},
                    {"date": "2020-10-01", "adcode": "140100", "kind": "火灾"},
                    {"date": "2020-03-07", "adcode": "350500", "deaths": 29, "kind": "坍塌"}]})

add("g04_notice_gbk", """标题: 事故整改回头看情况通报(GBK练习稿)
日期: 2020-12-10

河北省在衡水市2019年“4·25”施工升降机轿厢坠落重大事故发生后开展了建筑施工专项治理，该事故造成11人死亡、2人受伤。
福建漳州2015年“4·6”爆炸着火事故和2016年“12·20”商渔船碰撞事故的责任追究几年未见结果。
""", {"facts": [PF.format("7,8,9")],
      "accidents": [{"date": "2019-04-25", "adcode": "131100", "deaths": 11, "injuries": 2},
                    {"date": "2015-04-06", "adcode": "350600", "kind": "爆炸"},
                    {"date": "2016-12-20", "adcode": "350600", "kind": "水上交通"}]}, encoding="gb18030")

add("g05_notice_fullwidth", """２０２０年１０月４日５时３０分许，吉林省松原市扶余市境内５１４省道发生一起货车相撞的重大道路交通事故，造成１８人死亡、１人受伤，直接经济损失６０６．１万元。
""", {"facts": [PF.format("5")],
      "accidents": [{"date": "2020-10-04", "adcode": "220781", "deaths": 18, "injuries": 1, "direct_loss_wan": 606.1,
                     "time": "05:30", "kind": "道路交通", "severity": "重大"}]})

add("g06_report_xiangfen", """山西省政府事故调查组查明：2020年8月29日9时40分许，临汾市襄汾县陶寺乡陈庄村聚仙饭店发生坍塌，造成29人死亡、28人受伤，直接经济损失1164.35万元。调查认定这是一起生产安全责任事故。
对事故涉及的41名公职人员，有关方面给予了党纪政务处分或诫勉等处理。
""", {"facts": [PF.format("1")],
      "accidents": [{"date": "2020-08-29", "adcode": "141023", "deaths": 29, "injuries": 28, "direct_loss_wan": 1164.35,
                     "time": "09:40", "kind": "坍塌", "severity": "重大"}],
      "counts": [{"measure": "party_government_disciplined", "count": 41}]})

add("g07_report_taiyuan", """调查报告显示，2020年10月1日13时04分，太原市迎泽区台骀山景区冰雕馆起火，造成13人死亡、15人受伤，直接经济损失1789.97万元。
公安机关对13名企业责任人采取了刑事强制措施，其中6人被逮捕。对38名公职人员给予了党纪政务处分或组织处理。
""", {"facts": [PF.format("2")],
      "accidents": [{"date": "2020-10-01", "adcode": "140106", "deaths": 13, "injuries": 15, "direct_loss_wan": 1789.97,
                     "time": "13:04", "kind": "火灾", "severity": "重大"}],
      "counts": [{"measure": "criminal_measures", "count": 13}, {"measure": "arrested", "count": 6},
                 {"measure": "party_government_disciplined", "count": 38}]})

add("g08_report_quanzhou", """2020年3月7日19时14分，福建省泉州市鲤城区欣佳酒店所在建筑物整体坍塌，造成29人死亡、42人受伤，直接经济损失5794万元。
经国务院调查组调查，福建省纪检监察机关对49名公职人员追责问责，其中7人移送司法机关。公安机关对23名责任人依法采取了刑事强制措施。
""", {"facts": [PF.format("3")],
      "accidents": [{"date": "2020-03-07", "adcode": "350502", "deaths": 29, "injuries": 42, "direct_loss_wan": 5794,
                     "time": "19:14", "kind": "坍塌", "severity": "重大"}],
      "counts": [{"measure": "officials_held_accountable", "count": 49}, {"measure": "sent_to_judicial", "count": 7},
                 {"measure": "criminal_measures", "count": 23}]})

add("g09_report_songyuan", """吉林省应急管理厅公布的报告称，2020年10月4日凌晨5时30分，松原市扶余市514省道39公里处两辆货车相撞，造成18人死亡、1人受伤，直接经济损失606.1万元。
司法机关已对24人采取强制措施，其中12人被逮捕。
""", {"facts": [PF.format("5")],
      "accidents": [{"date": "2020-10-04", "adcode": "220781", "deaths": 18, "injuries": 1, "direct_loss_wan": 606.1,
                     "time": "05:30", "kind": "道路交通", "severity": "重大"}],
      "counts": [{"measure": "criminal_measures", "count": 24}, {"measure": "arrested", "count": 12}]})

add("g10_report_zhangzhou", """2015年4月6日18时56分，腾龙芳烃(漳州)有限公司二甲苯装置发生爆炸着火，未造成人员死亡，6人受伤，直接经济损失9457万元。
调查组建议对13名责任人移送司法机关，对漳州市常务副市长梁伟新等11人给予党纪政纪处分。
""", {"facts": [PF.format("8")],
      "accidents": [{"date": "2015-04-06", "adcode": "350600", "deaths": 0, "injuries": 6, "direct_loss_wan": 9457,
                     "time": "18:56", "kind": "爆炸"}],
      "counts": [{"measure": "sent_to_judicial", "count": 13}, {"measure": "party_government_disciplined", "count": 11}]})

add("g11_news_hengshui", """标题: 河北公布衡水施工升降机坠落事故调查结果(练习稿)
日期: 2021-03-25

河北省应急管理厅日前公布了衡水市翡翠华庭“4·25”施工升降机轿厢坠落重大事故的调查报告。2019年4月25日7时20分左右，衡水市桃城区一在建楼盘工地的施工升降机轿厢坠落，造成11人死亡、2人受伤。
一审法院以重大责任事故罪对11名被告人作出判决，其中9人被判处有期徒刑，2人免予刑事处罚。
""", {"facts": [PF.format("7")],
      "accidents": [{"date": "2019-04-25", "adcode": "131102", "deaths": 11, "injuries": 2, "time": "07:20", "severity": "重大"}],
      "counts": [{"measure": "convicted", "count": 9}]})

add("g12_news_taiyuan_bare", """日期: 2021-09-16

山西省政府近日批复了太原台骀山冰雕馆“10·1”重大火灾事故调查报告。经调查认定，该事故是一起重大生产安全责任事故，造成13人死亡、15人受伤。对事故涉及的38名公职人员给予党纪政务处分或组织处理。
""", {"facts": [PF.format("2")],
      "accidents": [{"date": "2020-10-01", "adcode": "140100", "deaths": 13, "injuries": 15, "kind": "火灾", "severity": "重大"}],
      "counts": [{"measure": "party_government_disciplined", "count": 38}]})

add("g13_news_liuyang_numerals", """据报道，二〇一九年十二月四日七时三十二分，浏阳市澄潭江镇一家烟花制造企业的工区发生爆炸，事故最终造成十三人死亡、十三人受伤，直接经济损失1944.6万元。
湖南省公安机关对企业实际控制人等10名企业人员采取刑事强制措施。
""", {"facts": [PF.format("6")],
      "accidents": [{"date": "2019-12-04", "adcode": "430181", "deaths": 13, "injuries": 13, "direct_loss_wan": 1944.6,
                     "time": "07:32", "kind": "爆炸", "severity": "重大"}],
      "counts": [{"measure": "criminal_measures", "count": 10}]})

add("g14_discipline_liuyang", """日期: 2020-01-21

湖南省纪委监委通报了浏阳市碧溪烟花制造有限公司“12·4”重大爆炸事故的责任追究情况：共有29名公职人员被追责问责，其中5人被监察机关立案调查并采取留置措施。
给予浏阳市委书记黎春秋党内警告处分，给予浏阳市市长吴新伟政务记大过处分。
""", {"facts": [PF.format("6")],
      "accidents": [{"date": "2019-12-04", "adcode": "430181", "kind": "爆炸", "severity": "重大"}],
      "counts": [{"measure": "officials_held_accountable", "count": 29}],
      "items": [{"label": "Discipline", "who": "黎春秋", "kind": "党内警告"},
                {"label": "Discipline", "who": "吴新伟", "kind": "政务记大过"}]})

add("g15_discipline_songyuan", """日期: 2020-08-07

吉林省通报，2020年4月15日松原市乾安县境内发生一起造成12人死亡的重大交通事故。对负有责任的松原市公安局和乾安县有关部门18名党政干部、公安民警给予了党政纪处分。
""", {"facts": [PF.format("4")],
      "accidents": [{"date": "2020-04-15", "adcode": "220723", "deaths": 12, "kind": "道路交通", "severity": "重大"}],
      "counts": [{"measure": "party_government_disciplined", "count": 18}]})

add("g16_discipline_zhangzhou", """日期: 2015-08-17

福建省公布腾龙芳烃(漳州)有限公司“4·6”爆炸着火重大事故的处理结果：11名责任人员受到党纪政纪处分，13名涉嫌犯罪人员已移送司法机关。
""", {"facts": [PF.format("8")],
      "accidents": [{"date": "2015-04-06", "adcode": "350600", "kind": "爆炸", "severity": "重大"}],
      "counts": [{"measure": "party_government_disciplined", "count": 11}, {"measure": "sent_to_judicial", "count": 13}]})

add("g17_court_xiangfen", """日期: 2022-04-29

襄汾县人民法院对2020年临汾市襄汾县聚仙饭店“8·29”重大坍塌事故一案公开宣判。法院认定，聚仙酒家的投资人、经营者祁建华犯重大责任事故罪，判处有期徒刑七年。
""", {"facts": [PF.format("1")],
      "accidents": [{"date": "2020-08-29", "adcode": "141023", "kind": "坍塌", "severity": "重大"}],
      "items": [{"label": "CriminalCase", "who": "祁建华", "stage": "judged"}]})

add("g18_court_taiyuan", """日期: 2022-04-28

迎泽区人民法院对2020年10月1日发生的台骀山景区重大火灾事故所涉12名被告人作出一审判决。景区公司实际负责人韩国林犯重大责任事故罪等，数罪并罚判处有期徒刑6年，并处罚金。
""", {"facts": [PF.format("2")],
      "accidents": [{"date": "2020-10-01", "adcode": "140106", "kind": "火灾", "severity": "重大"}],
      "items": [{"label": "CriminalCase", "who": "韩国林", "stage": "judged"}]})

add("g19_court_detained_masked", """2020年9月3日，襄汾县陶寺乡陈庄村聚仙饭店“8·29”坍塌事故的饭店负责人祁某华，因涉嫌过失以危险方法危害公共安全罪被刑事拘留。该事故发生于2020年8月29日，造成29人死亡。
""", {"facts": [PF.format("1")],
      "accidents": [{"date": "2020-08-29", "adcode": "141023", "deaths": 29, "kind": "坍塌", "severity": "重大"}],
      "items": [{"label": "CriminalCase", "who": "祁某华", "stage": "detained"}]})

add("g20_news_county_only", """2016年6月26日，一辆旅游大巴在宜凤高速宜章县境内撞上护栏后起火，造成35人死亡。
2018年11月3日，兰海高速兰州南收费站附近一辆货车失控连续碰撞多辆车辆，事故造成15人死亡。
""", {"facts": ["major_accidents_2015_2020.tsv rows 2016-06-26, 2018-11-03"],
      "accidents": [{"date": "2016-06-26", "adcode": "431022", "deaths": 35, "kind": "道路交通", "severity": "特别重大"},
                    {"date": "2018-11-03", "adcode": "620100", "deaths": 15, "kind": "道路交通", "severity": "重大"}]})

add("g21_report_penalty", """2019年7月19日17时43分，河南省三门峡市义马市的义马气化厂空分装置发生爆炸，造成15人死亡。
应急管理部门依法对事故企业河南省煤气(集团)有限责任公司义马气化厂处以罚款300万元，并责令其停产整顿。
""", {"facts": ["major_accidents_2015_2020.tsv row 2019-07-19 (date, place, deaths)",
               "the fine of 300万元 is invented for this exercise; no real penalty is claimed"],
      "accidents": [{"date": "2019-07-19", "adcode": "411281", "deaths": 15, "time": "17:43", "kind": "爆炸", "severity": "重大"}],
      "items": [{"label": "Penalty", "who": "河南省煤气(集团)有限责任公司义马气化厂", "kind": "罚款"},
                {"label": "Penalty", "who": "河南省煤气(集团)有限责任公司义马气化厂", "kind": "责令停产停业"}]})

add("g22_notice_sentence_order", """日期: 2019-02-15

2018年10月28日，重庆市万州区一辆公交车在长江二桥坠江，造成15人死亡。同年8月25日凌晨，哈尔滨市松北区一温泉酒店发生火灾，造成20人死亡。
""", {"facts": ["major_accidents_2015_2020.tsv rows 2018-10-28, 2018-08-25"],
      "accidents": [{"date": "2018-10-28", "adcode": "500101", "deaths": 15, "kind": "道路交通", "severity": "重大"},
                    {"date": "2018-08-25", "adcode": "230109", "deaths": 20, "kind": "火灾", "severity": "重大"}]})

out = pathlib.Path(".")
for name, (text, gold, enc) in docs.items():
    (out / f"{name}.txt").write_bytes(text.encode(enc))
    header = "# Labelled document for `safetykg extract-eval`. The .txt is written for this test; facts from the sources below.\n"
    (out / f"{name}.gold.yaml").write_text(header + yaml.safe_dump(gold, allow_unicode=True, sort_keys=False), encoding="utf-8")
print(len(docs))
