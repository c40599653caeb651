// id: review-findings-by-category
// title_zh: 评估检查发现问题分类统计
// title_en: Review findings per category
// severity: low
// explains_zh: 每行是一次评估检查（如2020年重大事故整改“回头看”）中的一个问题类别：图中记录的该类发现问题数（findings），
//   该次检查在图中的发现问题总数（findings_in_graph）与通报自报的问题总数（problems_found），
//   以及图中该次检查评估的事故数（reviewed_accidents_in_graph）与通报自报的重特大事故数（accidents_in_notice）。
//   图中数字远小于自报数字是正常的：图只收录了通报点名的具体问题。审计人员可据此看出哪些类别的问题在图中尚无具体记录，
//   需要向各省索取问题清单。
// explains_en: Each row is one finding category of a review (e.g. the 2020 look-back at rectification after major
//   accidents): the findings recorded in the graph for that category (findings), all of the review's findings in the
//   graph (findings_in_graph) against the number of problems the review itself reported (problems_found), and the
//   accidents the graph links to the review (reviewed_accidents_in_graph) against the major and especially major
//   accidents the notice says it covered (accidents_in_notice). Graph counts far below the reported ones are
//   expected — the graph holds only the problems the notice names; the gap shows which categories still need the
//   provinces' full problem lists.
// param: as_of date today 基准日 / reference date (findings checked after it are ignored)
// row_key: review_id, category
// count_zh: x = 图中的发现问题数；y = 评估检查自报的问题总数
// count_en: x = findings in the graph; y = problems the reviews reported
MATCH (r:Review)-[:FOUND]->(f:Finding)
WHERE f.checked_day IS NULL OR f.checked_day <= $as_of_day
WITH r, count(f) AS findings_in_graph
OPTIONAL MATCH (r)-[:REVIEWED]->(a:Accident)
WITH r, findings_in_graph, count(DISTINCT a.id) AS reviewed_accidents
MATCH (r)-[:FOUND]->(f:Finding)
WHERE f.checked_day IS NULL OR f.checked_day <= $as_of_day
RETURN r.id AS review_id,
       r.name AS review,
       f.category AS category,
       count(f) AS findings,
       findings_in_graph AS findings_in_graph,
       r.problems_found AS problems_found,
       reviewed_accidents AS reviewed_accidents_in_graph,
       coalesce(r.accidents_especially_major, 0) + coalesce(r.accidents_major, 0) AS accidents_in_notice
ORDER BY review_id, findings DESC, category

// ---- subgraph
MATCH (r:Review)-[:FOUND]->(f:Finding)
WHERE f.checked_day IS NULL OR f.checked_day <= $as_of_day
RETURN r.id AS src, 'Review' AS src_label, 'FOUND' AS rel, f.id AS dst, 'Finding' AS dst_label,
       r.name AS src_name, f.name AS dst_name

// ---- count
MATCH (r:Review)
OPTIONAL MATCH (r)-[:FOUND]->(f:Finding)
WHERE f.checked_day IS NULL OR f.checked_day <= $as_of_day
WITH r, count(f) AS findings
RETURN sum(findings) AS x, sum(coalesce(r.problems_found, 0)) AS y
