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
// row_key: count_id
// order: unnamed desc, accident_id, count_id
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.measure = 'officials_held_accountable' AND c.within_id IS NULL
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Discipline)-[:AGAINST]->(x:Person)
WHERE x.role = 'official'
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN a.id AS accident_id, a.name AS accident, c.id AS count_id, c.measure AS measure,
       c.count AS published, named, c.count - named AS unnamed, c.stated_date AS stated_date,
       c.source_ids AS sources
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.measure = 'party_government_disciplined' AND c.within_id IS NULL
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Discipline)-[:AGAINST]->(x:Person)
WHERE x.role = 'official'
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN a.id AS accident_id, a.name AS accident, c.id AS count_id, c.measure AS measure,
       c.count AS published, named, c.count - named AS unnamed, c.stated_date AS stated_date,
       c.source_ids AS sources
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.measure = 'sent_to_judicial' AND c.within_id IS NULL
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[:DEFENDANT_IN]-(x:Person)
WHERE x.role = 'official'
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN a.id AS accident_id, a.name AS accident, c.id AS count_id, c.measure AS measure,
       c.count AS published, named, c.count - named AS unnamed, c.stated_date AS stated_date,
       c.source_ids AS sources
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.measure = 'criminal_measures' AND c.within_id IS NULL
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[:DEFENDANT_IN]-(x:Person)
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN a.id AS accident_id, a.name AS accident, c.id AS count_id, c.measure AS measure,
       c.count AS published, named, c.count - named AS unnamed, c.stated_date AS stated_date,
       c.source_ids AS sources
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.measure = 'detained' AND c.within_id IS NULL
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[:DEFENDANT_IN]-(x:Person)
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN a.id AS accident_id, a.name AS accident, c.id AS count_id, c.measure AS measure,
       c.count AS published, named, c.count - named AS unnamed, c.stated_date AS stated_date,
       c.source_ids AS sources
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.measure = 'arrested' AND c.within_id IS NULL
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[:DEFENDANT_IN]-(x:Person)
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN a.id AS accident_id, a.name AS accident, c.id AS count_id, c.measure AS measure,
       c.count AS published, named, c.count - named AS unnamed, c.stated_date AS stated_date,
       c.source_ids AS sources
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.measure = 'prosecuted' AND c.within_id IS NULL
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[:DEFENDANT_IN]-(x:Person)
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN a.id AS accident_id, a.name AS accident, c.id AS count_id, c.measure AS measure,
       c.count AS published, named, c.count - named AS unnamed, c.stated_date AS stated_date,
       c.source_ids AS sources
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.measure = 'convicted' AND c.within_id IS NULL
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[d:DEFENDANT_IN]-(x:Person)
WHERE d.convicted = true
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN a.id AS accident_id, a.name AS accident, c.id AS count_id, c.measure AS measure,
       c.count AS published, named, c.count - named AS unnamed, c.stated_date AS stated_date,
       c.source_ids AS sources
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.measure = 'units_penalised' AND c.within_id IS NULL
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Penalty)-[:AGAINST]->(x:Enterprise)
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN a.id AS accident_id, a.name AS accident, c.id AS count_id, c.measure AS measure,
       c.count AS published, named, c.count - named AS unnamed, c.stated_date AS stated_date,
       c.source_ids AS sources
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.measure = 'enterprises_penalised' AND c.within_id IS NULL
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Penalty)-[:AGAINST]->(x:Enterprise)
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN a.id AS accident_id, a.name AS accident, c.id AS count_id, c.measure AS measure,
       c.count AS published, named, c.count - named AS unnamed, c.stated_date AS stated_date,
       c.source_ids AS sources
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.measure = 'persons_penalised' AND c.within_id IS NULL
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Penalty)-[:AGAINST]->(x:Person)
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN a.id AS accident_id, a.name AS accident, c.id AS count_id, c.measure AS measure,
       c.count AS published, named, c.count - named AS unnamed, c.stated_date AS stated_date,
       c.source_ids AS sources
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.measure = 'licences_revoked' AND c.within_id IS NULL
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(x:Penalty)
WHERE x.kind STARTS WITH '吊销'
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN a.id AS accident_id, a.name AS accident, c.id AS count_id, c.measure AS measure,
       c.count AS published, named, c.count - named AS unnamed, c.stated_date AS stated_date,
       c.source_ids AS sources
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.measure = 'departments_at_fault' AND c.within_id IS NULL
OPTIONAL MATCH (a)<-[:RESPONSIBLE_FOR]-(x:Department)
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN a.id AS accident_id, a.name AS accident, c.id AS count_id, c.measure AS measure,
       c.count AS published, named, c.count - named AS unnamed, c.stated_date AS stated_date,
       c.source_ids AS sources

// ---- subgraph
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.measure = 'officials_held_accountable' AND c.within_id IS NULL
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Discipline)-[:AGAINST]->(x:Person)
WHERE x.role = 'official'
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN c.id AS src, 'AccountabilityCount' AS src_label, 'COUNTED_FOR' AS rel, a.id AS dst,
       'Accident' AS dst_label, c.name AS src_name, a.name AS dst_name
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.measure = 'party_government_disciplined' AND c.within_id IS NULL
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Discipline)-[:AGAINST]->(x:Person)
WHERE x.role = 'official'
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN c.id AS src, 'AccountabilityCount' AS src_label, 'COUNTED_FOR' AS rel, a.id AS dst,
       'Accident' AS dst_label, c.name AS src_name, a.name AS dst_name
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.measure = 'sent_to_judicial' AND c.within_id IS NULL
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[:DEFENDANT_IN]-(x:Person)
WHERE x.role = 'official'
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN c.id AS src, 'AccountabilityCount' AS src_label, 'COUNTED_FOR' AS rel, a.id AS dst,
       'Accident' AS dst_label, c.name AS src_name, a.name AS dst_name
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.measure = 'criminal_measures' AND c.within_id IS NULL
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[:DEFENDANT_IN]-(x:Person)
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN c.id AS src, 'AccountabilityCount' AS src_label, 'COUNTED_FOR' AS rel, a.id AS dst,
       'Accident' AS dst_label, c.name AS src_name, a.name AS dst_name
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.measure = 'detained' AND c.within_id IS NULL
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[:DEFENDANT_IN]-(x:Person)
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN c.id AS src, 'AccountabilityCount' AS src_label, 'COUNTED_FOR' AS rel, a.id AS dst,
       'Accident' AS dst_label, c.name AS src_name, a.name AS dst_name
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.measure = 'arrested' AND c.within_id IS NULL
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[:DEFENDANT_IN]-(x:Person)
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN c.id AS src, 'AccountabilityCount' AS src_label, 'COUNTED_FOR' AS rel, a.id AS dst,
       'Accident' AS dst_label, c.name AS src_name, a.name AS dst_name
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.measure = 'prosecuted' AND c.within_id IS NULL
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[:DEFENDANT_IN]-(x:Person)
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN c.id AS src, 'AccountabilityCount' AS src_label, 'COUNTED_FOR' AS rel, a.id AS dst,
       'Accident' AS dst_label, c.name AS src_name, a.name AS dst_name
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.measure = 'convicted' AND c.within_id IS NULL
OPTIONAL MATCH (a)-[:LED_TO]->(:CriminalCase)<-[d:DEFENDANT_IN]-(x:Person)
WHERE d.convicted = true
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN c.id AS src, 'AccountabilityCount' AS src_label, 'COUNTED_FOR' AS rel, a.id AS dst,
       'Accident' AS dst_label, c.name AS src_name, a.name AS dst_name
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.measure = 'units_penalised' AND c.within_id IS NULL
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Penalty)-[:AGAINST]->(x:Enterprise)
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN c.id AS src, 'AccountabilityCount' AS src_label, 'COUNTED_FOR' AS rel, a.id AS dst,
       'Accident' AS dst_label, c.name AS src_name, a.name AS dst_name
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.measure = 'enterprises_penalised' AND c.within_id IS NULL
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Penalty)-[:AGAINST]->(x:Enterprise)
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN c.id AS src, 'AccountabilityCount' AS src_label, 'COUNTED_FOR' AS rel, a.id AS dst,
       'Accident' AS dst_label, c.name AS src_name, a.name AS dst_name
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.measure = 'persons_penalised' AND c.within_id IS NULL
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Penalty)-[:AGAINST]->(x:Person)
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN c.id AS src, 'AccountabilityCount' AS src_label, 'COUNTED_FOR' AS rel, a.id AS dst,
       'Accident' AS dst_label, c.name AS src_name, a.name AS dst_name
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.measure = 'licences_revoked' AND c.within_id IS NULL
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(x:Penalty)
WHERE x.kind STARTS WITH '吊销'
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN c.id AS src, 'AccountabilityCount' AS src_label, 'COUNTED_FOR' AS rel, a.id AS dst,
       'Accident' AS dst_label, c.name AS src_name, a.name AS dst_name
UNION ALL
MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)
WHERE c.measure = 'departments_at_fault' AND c.within_id IS NULL
OPTIONAL MATCH (a)<-[:RESPONSIBLE_FOR]-(x:Department)
WITH c, a, count(DISTINCT x.id) AS named
WHERE named < c.count
RETURN c.id AS src, 'AccountabilityCount' AS src_label, 'COUNTED_FOR' AS rel, a.id AS dst,
       'Accident' AS dst_label, c.name AS src_name, a.name AS dst_name
