// id: accountability-gaps
// title_zh: 公布的问责人数多于图中点名的人数
// title_en: Published accountability counts the graph does not name in full
// severity: medium
// explains_zh: 每行是一条公布的问责统计（如“49名公职人员被追责问责”，AccountabilityCount，非“其中”子项），
//   图中按 safetykg/graph/counts.yaml 对应到的点名对象（人员、企业、部门、处罚）少于公布数：
//   named 为图中点名数，published 为公布数，unnamed 为差额。差额通常意味着名单未公开或尚未录入；
//   研究人员和记者可据此向纪检监察机关、法院或应急管理部门申请公开名单，录入人员可据此补全。
//   没有一一对应点名对象的口径（总数、组织处理、移交纪检）不列出。
// explains_en: Each row is a published accountability count (e.g. "49 officials held accountable"; an
//   AccountabilityCount that is not a "of whom" part of another) for which the graph names fewer items than
//   published, matched by the declaration in safetykg/graph/counts.yaml: named = items named in the graph,
//   published = the published count, unnamed = the difference. A gap usually means the list was never
//   published or not yet entered; ask the discipline body, court or safety regulator for the list. Measures
//   without a one-to-one named counterpart (overall totals, organisational handling, transfers) are not listed.
// param: as_of date today 基准日 / reference date (counts published after it are ignored)
// row_key: count_id
// count_zh: x = 点名不全的公布统计数；y = 可对应点名对象的公布统计总数
// count_en: x = published counts not named in full; y = published counts with a named counterpart
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.within_id IS NULL AND c.measure IN ['officials_held_accountable', 'party_government_disciplined', 'sent_to_judicial', 'criminal_measures', 'detained', 'arrested', 'prosecuted', 'convicted', 'units_penalised', 'enterprises_penalised', 'persons_penalised', 'licences_revoked', 'departments_at_fault']
  AND (c.stated_day IS NULL OR c.stated_day <= $as_of_day)
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Discipline)-[:AGAINST]->(x1:Person)
WHERE c.measure = 'officials_held_accountable' AND x1.role = 'official'
WITH c, a, count(DISTINCT x1.id) AS n1
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Discipline)-[:AGAINST]->(x2:Person)
WHERE c.measure = 'party_government_disciplined' AND x2.role = 'official'
WITH c, a, n1, count(DISTINCT x2.id) AS n2
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[:DEFENDANT_IN]-(x3:Person)
WHERE c.measure = 'sent_to_judicial'
WITH c, a, n1, n2, count(DISTINCT x3.id) AS n3
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[:DEFENDANT_IN]-(x4:Person)
WHERE c.measure = 'criminal_measures'
WITH c, a, n1, n2, n3, count(DISTINCT x4.id) AS n4
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[:DEFENDANT_IN]-(x5:Person)
WHERE c.measure = 'detained'
WITH c, a, n1, n2, n3, n4, count(DISTINCT x5.id) AS n5
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[:DEFENDANT_IN]-(x6:Person)
WHERE c.measure = 'arrested'
WITH c, a, n1, n2, n3, n4, n5, count(DISTINCT x6.id) AS n6
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[:DEFENDANT_IN]-(x7:Person)
WHERE c.measure = 'prosecuted'
WITH c, a, n1, n2, n3, n4, n5, n6, count(DISTINCT x7.id) AS n7
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[d8:DEFENDANT_IN]-(x8:Person)
WHERE c.measure = 'convicted' AND d8.convicted = true
WITH c, a, n1, n2, n3, n4, n5, n6, n7, count(DISTINCT x8.id) AS n8
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Penalty)-[:AGAINST]->(x9:Enterprise)
WHERE c.measure = 'units_penalised'
WITH c, a, n1, n2, n3, n4, n5, n6, n7, n8, count(DISTINCT x9.id) AS n9
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Penalty)-[:AGAINST]->(x10:Enterprise)
WHERE c.measure = 'enterprises_penalised'
WITH c, a, n1, n2, n3, n4, n5, n6, n7, n8, n9, count(DISTINCT x10.id) AS n10
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Penalty)-[:AGAINST]->(x11:Person)
WHERE c.measure = 'persons_penalised'
WITH c, a, n1, n2, n3, n4, n5, n6, n7, n8, n9, n10, count(DISTINCT x11.id) AS n11
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(x12:Penalty)
WHERE c.measure = 'licences_revoked' AND x12.kind STARTS WITH '吊销'
WITH c, a, n1, n2, n3, n4, n5, n6, n7, n8, n9, n10, n11, count(DISTINCT x12.id) AS n12
OPTIONAL MATCH (a)<-[:RESPONSIBLE_FOR]-(x13:Department)
WHERE c.measure = 'departments_at_fault'
WITH c, a, n1, n2, n3, n4, n5, n6, n7, n8, n9, n10, n11, n12, count(DISTINCT x13.id) AS n13
WITH c, a, n1 + n2 + n3 + n4 + n5 + n6 + n7 + n8 + n9 + n10 + n11 + n12 + n13 AS named
WHERE named < c.count
RETURN a.id AS accident_id, a.name AS accident, c.id AS count_id, c.measure AS measure,
       c.count AS published, named AS named, c.count - named AS unnamed, c.stated_date AS stated_date,
       c.source_ids AS sources
ORDER BY unnamed DESC, accident_id, count_id

// ---- subgraph
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.within_id IS NULL AND c.measure IN ['officials_held_accountable', 'party_government_disciplined', 'sent_to_judicial', 'criminal_measures', 'detained', 'arrested', 'prosecuted', 'convicted', 'units_penalised', 'enterprises_penalised', 'persons_penalised', 'licences_revoked', 'departments_at_fault']
  AND (c.stated_day IS NULL OR c.stated_day <= $as_of_day)
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Discipline)-[:AGAINST]->(x1:Person)
WHERE c.measure = 'officials_held_accountable' AND x1.role = 'official'
WITH c, a, count(DISTINCT x1.id) AS n1
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Discipline)-[:AGAINST]->(x2:Person)
WHERE c.measure = 'party_government_disciplined' AND x2.role = 'official'
WITH c, a, n1, count(DISTINCT x2.id) AS n2
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[:DEFENDANT_IN]-(x3:Person)
WHERE c.measure = 'sent_to_judicial'
WITH c, a, n1, n2, count(DISTINCT x3.id) AS n3
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[:DEFENDANT_IN]-(x4:Person)
WHERE c.measure = 'criminal_measures'
WITH c, a, n1, n2, n3, count(DISTINCT x4.id) AS n4
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[:DEFENDANT_IN]-(x5:Person)
WHERE c.measure = 'detained'
WITH c, a, n1, n2, n3, n4, count(DISTINCT x5.id) AS n5
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[:DEFENDANT_IN]-(x6:Person)
WHERE c.measure = 'arrested'
WITH c, a, n1, n2, n3, n4, n5, count(DISTINCT x6.id) AS n6
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[:DEFENDANT_IN]-(x7:Person)
WHERE c.measure = 'prosecuted'
WITH c, a, n1, n2, n3, n4, n5, n6, count(DISTINCT x7.id) AS n7
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[d8:DEFENDANT_IN]-(x8:Person)
WHERE c.measure = 'convicted' AND d8.convicted = true
WITH c, a, n1, n2, n3, n4, n5, n6, n7, count(DISTINCT x8.id) AS n8
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Penalty)-[:AGAINST]->(x9:Enterprise)
WHERE c.measure = 'units_penalised'
WITH c, a, n1, n2, n3, n4, n5, n6, n7, n8, count(DISTINCT x9.id) AS n9
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Penalty)-[:AGAINST]->(x10:Enterprise)
WHERE c.measure = 'enterprises_penalised'
WITH c, a, n1, n2, n3, n4, n5, n6, n7, n8, n9, count(DISTINCT x10.id) AS n10
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Penalty)-[:AGAINST]->(x11:Person)
WHERE c.measure = 'persons_penalised'
WITH c, a, n1, n2, n3, n4, n5, n6, n7, n8, n9, n10, count(DISTINCT x11.id) AS n11
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(x12:Penalty)
WHERE c.measure = 'licences_revoked' AND x12.kind STARTS WITH '吊销'
WITH c, a, n1, n2, n3, n4, n5, n6, n7, n8, n9, n10, n11, count(DISTINCT x12.id) AS n12
OPTIONAL MATCH (a)<-[:RESPONSIBLE_FOR]-(x13:Department)
WHERE c.measure = 'departments_at_fault'
WITH c, a, n1, n2, n3, n4, n5, n6, n7, n8, n9, n10, n11, n12, count(DISTINCT x13.id) AS n13
WITH c, a, n1 + n2 + n3 + n4 + n5 + n6 + n7 + n8 + n9 + n10 + n11 + n12 + n13 AS named
WHERE named < c.count
RETURN c.id AS src, 'AccountabilityCount' AS src_label, 'COUNTED_FOR' AS rel, a.id AS dst,
       'Accident' AS dst_label, c.name AS src_name, a.name AS dst_name

// ---- count
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.within_id IS NULL AND c.measure IN ['officials_held_accountable', 'party_government_disciplined', 'sent_to_judicial', 'criminal_measures', 'detained', 'arrested', 'prosecuted', 'convicted', 'units_penalised', 'enterprises_penalised', 'persons_penalised', 'licences_revoked', 'departments_at_fault']
  AND (c.stated_day IS NULL OR c.stated_day <= $as_of_day)
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Discipline)-[:AGAINST]->(x1:Person)
WHERE c.measure = 'officials_held_accountable' AND x1.role = 'official'
WITH c, a, count(DISTINCT x1.id) AS n1
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Discipline)-[:AGAINST]->(x2:Person)
WHERE c.measure = 'party_government_disciplined' AND x2.role = 'official'
WITH c, a, n1, count(DISTINCT x2.id) AS n2
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[:DEFENDANT_IN]-(x3:Person)
WHERE c.measure = 'sent_to_judicial'
WITH c, a, n1, n2, count(DISTINCT x3.id) AS n3
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[:DEFENDANT_IN]-(x4:Person)
WHERE c.measure = 'criminal_measures'
WITH c, a, n1, n2, n3, count(DISTINCT x4.id) AS n4
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[:DEFENDANT_IN]-(x5:Person)
WHERE c.measure = 'detained'
WITH c, a, n1, n2, n3, n4, count(DISTINCT x5.id) AS n5
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[:DEFENDANT_IN]-(x6:Person)
WHERE c.measure = 'arrested'
WITH c, a, n1, n2, n3, n4, n5, count(DISTINCT x6.id) AS n6
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[:DEFENDANT_IN]-(x7:Person)
WHERE c.measure = 'prosecuted'
WITH c, a, n1, n2, n3, n4, n5, n6, count(DISTINCT x7.id) AS n7
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[d8:DEFENDANT_IN]-(x8:Person)
WHERE c.measure = 'convicted' AND d8.convicted = true
WITH c, a, n1, n2, n3, n4, n5, n6, n7, count(DISTINCT x8.id) AS n8
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Penalty)-[:AGAINST]->(x9:Enterprise)
WHERE c.measure = 'units_penalised'
WITH c, a, n1, n2, n3, n4, n5, n6, n7, n8, count(DISTINCT x9.id) AS n9
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Penalty)-[:AGAINST]->(x10:Enterprise)
WHERE c.measure = 'enterprises_penalised'
WITH c, a, n1, n2, n3, n4, n5, n6, n7, n8, n9, count(DISTINCT x10.id) AS n10
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Penalty)-[:AGAINST]->(x11:Person)
WHERE c.measure = 'persons_penalised'
WITH c, a, n1, n2, n3, n4, n5, n6, n7, n8, n9, n10, count(DISTINCT x11.id) AS n11
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(x12:Penalty)
WHERE c.measure = 'licences_revoked' AND x12.kind STARTS WITH '吊销'
WITH c, a, n1, n2, n3, n4, n5, n6, n7, n8, n9, n10, n11, count(DISTINCT x12.id) AS n12
OPTIONAL MATCH (a)<-[:RESPONSIBLE_FOR]-(x13:Department)
WHERE c.measure = 'departments_at_fault'
WITH c, a, n1, n2, n3, n4, n5, n6, n7, n8, n9, n10, n11, n12, count(DISTINCT x13.id) AS n13
WITH c, a, n1 + n2 + n3 + n4 + n5 + n6 + n7 + n8 + n9 + n10 + n11 + n12 + n13 AS named
RETURN sum(CASE WHEN named < c.count THEN 1 ELSE 0 END) AS x, count(c) AS y
