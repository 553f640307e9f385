"""An example Airflow DAG for assay (Airflow 2.x). Copy into your DAGs folder and adjust paths.

One task per stage, so a rerun of a failed stage does not redo the others; every stage replaces
exactly the rows of its date, so retries and backfills (`airflow dags backfill`) are safe.
Exit codes: 0 ok, 1 failure (retry), 2 bad configuration (do not retry: fix conf/), 3 alerts.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.sensors.filesystem import FileSensor

ASSAY = "/opt/assay/jobs/assay"
ENV = {"ASSAY_CONF": "/opt/assay/conf", "SPARK_HOME": "/opt/spark"}  # and ASSAY_PSEUDONYM_KEY via a secret

with DAG(
    dag_id="assay_nightly",
    schedule="30 3 * * *",
    start_date=datetime(2026, 11, 1),
    catchup=True,
    max_active_runs=1,  # stages of one date write the tables later dates read
    default_args={"retries": 2, "retry_delay": timedelta(minutes=20)},
) as dag:
    logs_landed = FileSensor(
        task_id="logs_landed",
        filepath="/data/assay/logs/date={{ ds }}/_SUCCESS",
        poke_interval=600,
        timeout=6 * 3600,
    )
    stages = [
        BashOperator(
            task_id=stage,
            bash_command=f"{ASSAY} {stage} --date {{{{ ds }}}}"
            + (" --fail-on-alert" if stage == "reconcile" else ""),
            env=ENV,
            append_env=True,
        )
        for stage in ["reconcile", "balance", "analyze", "report"]
    ]
    logs_landed >> stages[0] >> stages[1] >> stages[2] >> stages[3]
