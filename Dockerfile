# The dashboard image for docker compose: loads data/ into the compose Neo4j, then serves Streamlit.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY safetykg safetykg
RUN pip install --no-cache-dir ".[dashboard]"
COPY data data
EXPOSE 8501
# Loading is idempotent, so restarting the container never duplicates the graph.
CMD ["sh", "-c", "safetykg load data/ && safetykg analyze --format md --out /tmp/recurrence.md && exec safetykg dashboard --host 0.0.0.0 --port 8501"]
