#!/usr/bin/env bash
# A Spark standalone cluster on this machine from the project's own Maven jars (no download):
# a master and two workers bound to 127.0.0.1, SPARK_HOME laid out under target/spark-home.
#   jobs/local-cluster.sh start     # prints the SPARK_HOME and master URL to use
#   jobs/local-cluster.sh stop
# ASSAY_CLUSTER_WORKERS (default 2), ASSAY_CLUSTER_WORKER_CORES (default 1) and
#   ASSAY_CLUSTER_WORKER_MEMORY (default 2g): the workers, and the cores and memory each offers
#   (each worker runs one executor JVM per application).
# ASSAY_CLUSTER_JARS: extra jars (comma-separated) the cluster's JVMs load after Spark's own, as a
#   cluster's Spark has its file system connectors installed (e.g. hadoop-aws and the AWS SDK
#   bundle): they go on SPARK_DIST_CLASSPATH, which Spark appends to the classpath of the master,
#   the workers and every executor (appended, not prepended: the AWS SDK bundle carries an old
#   SLF4J API that, first on the classpath, silences Spark's logging). Give the driver the same
#   SPARK_DIST_CLASSPATH (jobs/assay adds it to spark-submit's classpath).
# Then: SPARK_HOME=target/spark-home ASSAY_SUBMIT_ARGS="--master spark://127.0.0.1:7077" \
#         jobs/assay nightly --date 2026-11-14
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SH="$ROOT/target/spark-home"
RUN="$SH/run"
PORT="${ASSAY_CLUSTER_PORT:-7077}"
WORKERS="${ASSAY_CLUSTER_WORKERS:-2}"
CORES="${ASSAY_CLUSTER_WORKER_CORES:-1}"
MEMORY="${ASSAY_CLUSTER_WORKER_MEMORY:-2g}"
MASTER="spark://127.0.0.1:$PORT"
export SPARK_HOME="$SH" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1
export SPARK_MASTER_HOST=127.0.0.1 SPARK_WORKER_DIR="$RUN/work"
if [ -n "${ASSAY_CLUSTER_JARS:-}" ]; then
  export SPARK_DIST_CLASSPATH="${ASSAY_CLUSTER_JARS//,/:}${SPARK_DIST_CLASSPATH:+:$SPARK_DIST_CLASSPATH}"
fi
CP="$SH/jars/*${SPARK_DIST_CLASSPATH:+:$SPARK_DIST_CLASSPATH}"
OPENS="-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true"

layout() {
  if [ ! -d "$ROOT/target/lib" ]; then
    (cd "$ROOT" && mvn -B -q -Dmaven.test.skip=true -Dspotless.check.skip=true package) >&2
  fi
  mkdir -p "$SH/jars" "$SH/conf" "$RUN/work"
  for j in "$ROOT"/target/lib/*.jar; do ln -sf "$j" "$SH/jars/$(basename "$j")"; done
  # Spark at WARN, except the deploy messages this script waits for (worker registration).
  cat "$ROOT/conf/spark/log4j2.properties" > "$SH/conf/log4j2.properties"
  printf 'logger.deploy.name = org.apache.spark.deploy\nlogger.deploy.level = INFO\n' >> "$SH/conf/log4j2.properties"
}

wait_for() { # host port
  for _ in $(seq 1 60); do
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0
    sleep 1
  done
  echo "local-cluster: nothing listens on $1:$2" >&2; return 1
}

start() {
  layout
  java $OPENS -Xmx512m -cp "$CP" -Dlog4j2.configurationFile="$SH/conf/log4j2.properties" \
    org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$PORT" --webui-port 0 \
    > "$RUN/master.log" 2>&1 &
  echo $! > "$RUN/master.pid"
  wait_for 127.0.0.1 "$PORT"
  for i in $(seq 1 "$WORKERS"); do
    java $OPENS -Xmx512m -cp "$CP" -Dlog4j2.configurationFile="$SH/conf/log4j2.properties" \
      org.apache.spark.deploy.worker.Worker "$MASTER" --host 127.0.0.1 --cores "$CORES" --memory "$MEMORY" \
      --webui-port 0 --work-dir "$RUN/work/$i" > "$RUN/worker$i.log" 2>&1 &
    echo $! > "$RUN/worker$i.pid"
  done
  for _ in $(seq 1 60); do
    if [ "$(grep -c "Registering worker" "$RUN/master.log" 2>/dev/null || true)" -ge "$WORKERS" ]; then
      echo "SPARK_HOME=$SH"
      echo "MASTER=$MASTER"
      [ -n "${SPARK_DIST_CLASSPATH:-}" ] && echo "SPARK_DIST_CLASSPATH=$SPARK_DIST_CLASSPATH"
      return 0
    fi
    sleep 1
  done
  echo "local-cluster: workers did not register; see $RUN/*.log" >&2
  stop; return 1
}

stop() {
  for p in "$RUN"/worker*.pid "$RUN"/master.pid; do
    [ -f "$p" ] || continue
    kill "$(cat "$p")" 2>/dev/null || true
    rm -f "$p"
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
