# The two commands of the README.
.PHONY: run test
run:   ## build the graph from data/ on the embedded engine, print counts, serve the dashboard
	bash scripts/run.sh
test:  ## all tests on LadybugDB and a real Neo4j 5.26 (started from Maven jars)
	bash scripts/test.sh
