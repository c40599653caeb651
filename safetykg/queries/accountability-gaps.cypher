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
// order: unnamed desc, accident_id, count_id
// count_zh: x = 点名不全的公布统计数；y = 可对应点名对象的公布统计总数
// count_en: x = published counts not named in full; y = published counts with a named counterpart
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.within_id IS NULL AND c.measure IN ['officials_held_accountable', 'party_government_disciplined']
  AND (c.stated_day IS NULL OR c.stated_day <= $as_of_day)
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Discipline)-[:AGAINST]->(x:Person)
WHERE x.role = 'official'
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN a.id AS accident_id, a.name AS accident, c.id AS count_id, c.measure AS measure,
       c.count AS published, named AS named, c.count - named AS unnamed, c.stated_date AS stated_date,
       c.source_ids AS sources
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.within_id IS NULL AND c.measure IN ['sent_to_judicial', 'criminal_measures', 'detained', 'arrested', 'prosecuted']
  AND (c.stated_day IS NULL OR c.stated_day <= $as_of_day)
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[:DEFENDANT_IN]-(x:Person)
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN a.id AS accident_id, a.name AS accident, c.id AS count_id, c.measure AS measure,
       c.count AS published, named AS named, c.count - named AS unnamed, c.stated_date AS stated_date,
       c.source_ids AS sources
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.within_id IS NULL AND c.measure IN ['convicted']
  AND (c.stated_day IS NULL OR c.stated_day <= $as_of_day)
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[d:DEFENDANT_IN]-(x:Person)
WHERE d.convicted = true
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN a.id AS accident_id, a.name AS accident, c.id AS count_id, c.measure AS measure,
       c.count AS published, named AS named, c.count - named AS unnamed, c.stated_date AS stated_date,
       c.source_ids AS sources
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.within_id IS NULL AND c.measure IN ['units_penalised', 'enterprises_penalised']
  AND (c.stated_day IS NULL OR c.stated_day <= $as_of_day)
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Penalty)-[:AGAINST]->(x:Enterprise)
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN a.id AS accident_id, a.name AS accident, c.id AS count_id, c.measure AS measure,
       c.count AS published, named AS named, c.count - named AS unnamed, c.stated_date AS stated_date,
       c.source_ids AS sources
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.within_id IS NULL AND c.measure IN ['persons_penalised']
  AND (c.stated_day IS NULL OR c.stated_day <= $as_of_day)
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Penalty)-[:AGAINST]->(x:Person)
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN a.id AS accident_id, a.name AS accident, c.id AS count_id, c.measure AS measure,
       c.count AS published, named AS named, c.count - named AS unnamed, c.stated_date AS stated_date,
       c.source_ids AS sources
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.within_id IS NULL AND c.measure IN ['licences_revoked']
  AND (c.stated_day IS NULL OR c.stated_day <= $as_of_day)
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(x:Penalty)
WHERE x.kind STARTS WITH '吊销'
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN a.id AS accident_id, a.name AS accident, c.id AS count_id, c.measure AS measure,
       c.count AS published, named AS named, c.count - named AS unnamed, c.stated_date AS stated_date,
       c.source_ids AS sources
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.within_id IS NULL AND c.measure IN ['departments_at_fault']
  AND (c.stated_day IS NULL OR c.stated_day <= $as_of_day)
OPTIONAL MATCH (a)<-[:RESPONSIBLE_FOR]-(x:Department)
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN a.id AS accident_id, a.name AS accident, c.id AS count_id, c.measure AS measure,
       c.count AS published, named AS named, c.count - named AS unnamed, c.stated_date AS stated_date,
       c.source_ids AS sources

// ---- subgraph
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.within_id IS NULL AND c.measure IN ['officials_held_accountable', 'party_government_disciplined']
  AND (c.stated_day IS NULL OR c.stated_day <= $as_of_day)
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Discipline)-[:AGAINST]->(x:Person)
WHERE x.role = 'official'
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN c.id AS src, 'AccountabilityCount' AS src_label, 'COUNTED_FOR' AS rel, a.id AS dst,
       'Accident' AS dst_label, c.name AS src_name, a.name AS dst_name
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.within_id IS NULL AND c.measure IN ['sent_to_judicial', 'criminal_measures', 'detained', 'arrested', 'prosecuted']
  AND (c.stated_day IS NULL OR c.stated_day <= $as_of_day)
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[:DEFENDANT_IN]-(x:Person)
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN c.id AS src, 'AccountabilityCount' AS src_label, 'COUNTED_FOR' AS rel, a.id AS dst,
       'Accident' AS dst_label, c.name AS src_name, a.name AS dst_name
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.within_id IS NULL AND c.measure IN ['convicted']
  AND (c.stated_day IS NULL OR c.stated_day <= $as_of_day)
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[d:DEFENDANT_IN]-(x:Person)
WHERE d.convicted = true
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN c.id AS src, 'AccountabilityCount' AS src_label, 'COUNTED_FOR' AS rel, a.id AS dst,
       'Accident' AS dst_label, c.name AS src_name, a.name AS dst_name
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.within_id IS NULL AND c.measure IN ['units_penalised', 'enterprises_penalised']
  AND (c.stated_day IS NULL OR c.stated_day <= $as_of_day)
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Penalty)-[:AGAINST]->(x:Enterprise)
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN c.id AS src, 'AccountabilityCount' AS src_label, 'COUNTED_FOR' AS rel, a.id AS dst,
       'Accident' AS dst_label, c.name AS src_name, a.name AS dst_name
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.within_id IS NULL AND c.measure IN ['persons_penalised']
  AND (c.stated_day IS NULL OR c.stated_day <= $as_of_day)
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Penalty)-[:AGAINST]->(x:Person)
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN c.id AS src, 'AccountabilityCount' AS src_label, 'COUNTED_FOR' AS rel, a.id AS dst,
       'Accident' AS dst_label, c.name AS src_name, a.name AS dst_name
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.within_id IS NULL AND c.measure IN ['licences_revoked']
  AND (c.stated_day IS NULL OR c.stated_day <= $as_of_day)
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(x:Penalty)
WHERE x.kind STARTS WITH '吊销'
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN c.id AS src, 'AccountabilityCount' AS src_label, 'COUNTED_FOR' AS rel, a.id AS dst,
       'Accident' AS dst_label, c.name AS src_name, a.name AS dst_name
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.within_id IS NULL AND c.measure IN ['departments_at_fault']
  AND (c.stated_day IS NULL OR c.stated_day <= $as_of_day)
OPTIONAL MATCH (a)<-[:RESPONSIBLE_FOR]-(x:Department)
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN c.id AS src, 'AccountabilityCount' AS src_label, 'COUNTED_FOR' AS rel, a.id AS dst,
       'Accident' AS dst_label, c.name AS src_name, a.name AS dst_name

// ---- count
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.within_id IS NULL AND c.measure IN ['officials_held_accountable', 'party_government_disciplined']
  AND (c.stated_day IS NULL OR c.stated_day <= $as_of_day)
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Discipline)-[:AGAINST]->(x:Person)
WHERE x.role = 'official'
WITH c, a, count(DISTINCT x.id) AS named
RETURN sum(CASE WHEN named < c.count THEN 1 ELSE 0 END) AS x, count(c) AS y
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.within_id IS NULL AND c.measure IN ['sent_to_judicial', 'criminal_measures', 'detained', 'arrested', 'prosecuted']
  AND (c.stated_day IS NULL OR c.stated_day <= $as_of_day)
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[:DEFENDANT_IN]-(x:Person)
WITH c, a, count(DISTINCT x.id) AS named
RETURN sum(CASE WHEN named < c.count THEN 1 ELSE 0 END) AS x, count(c) AS y
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.within_id IS NULL AND c.measure IN ['convicted']
  AND (c.stated_day IS NULL OR c.stated_day <= $as_of_day)
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[d:DEFENDANT_IN]-(x:Person)
WHERE d.convicted = true
WITH c, a, count(DISTINCT x.id) AS named
RETURN sum(CASE WHEN named < c.count THEN 1 ELSE 0 END) AS x, count(c) AS y
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.within_id IS NULL AND c.measure IN ['units_penalised', 'enterprises_penalised']
  AND (c.stated_day IS NULL OR c.stated_day <= $as_of_day)
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Penalty)-[:AGAINST]->(x:Enterprise)
WITH c, a, count(DISTINCT x.id) AS named
RETURN sum(CASE WHEN named < c.count THEN 1 ELSE 0 END) AS x, count(c) AS y
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.within_id IS NULL AND c.measure IN ['persons_penalised']
  AND (c.stated_day IS NULL OR c.stated_day <= $as_of_day)
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Penalty)-[:AGAINST]->(x:Person)
WITH c, a, count(DISTINCT x.id) AS named
RETURN sum(CASE WHEN named < c.count THEN 1 ELSE 0 END) AS x, count(c) AS y
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.within_id IS NULL AND c.measure IN ['licences_revoked']
  AND (c.stated_day IS NULL OR c.stated_day <= $as_of_day)
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(x:Penalty)
WHERE x.kind STARTS WITH '吊销'
WITH c, a, count(DISTINCT x.id) AS named
RETURN sum(CASE WHEN named < c.count THEN 1 ELSE 0 END) AS x, count(c) AS y
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.within_id IS NULL AND c.measure IN ['departments_at_fault']
  AND (c.stated_day IS NULL OR c.stated_day <= $as_of_day)
OPTIONAL MATCH (a)<-[:RESPONSIBLE_FOR]-(x:Department)
WITH c, a, count(DISTINCT x.id) AS named
RETURN sum(CASE WHEN named < c.count THEN 1 ELSE 0 END) AS x, count(c) AS y
