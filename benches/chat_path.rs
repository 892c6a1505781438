//! The chat message path inside one Loket process: receive (a call into the hub), store
//! (an SQLite transaction in WAL mode, committed before returning), deliver (fan-out to
//! the live connection of the conversation). 1,000 open conversations, each with a live
//! resident connection; every iteration sends one message into each of them concurrently
//! and waits until all 1,000 were delivered.
//!
//! Run: `cargo bench --bench chat_path`. The network part (WebSocket framing, rates and
//! latency percentiles) is measured by `cargo bench --bench chat_load`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use loket::config::Config;
use loket::hub::{Event, Hub, HubSettings, broker_config};
use loket::store::{NewConversation, Sender, Store};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::Receiver;

const CONVERSATIONS: usize = 1000;

struct Setup {
    hub: Hub,
    convs: Vec<i64>,
    receivers: Vec<Receiver<Arc<Event>>>,
    _dir: tempfile::TempDir,
}

async fn setup() -> Setup {
    let dir = tempfile::tempdir().expect("temp dir");
    // LOKET_DURABLE_COMMITS=false measures the faster, less durable setting.
    let config = Config::load(None, |k| std::env::var(k).ok())
        .map(|c| Config {
            database_url: format!("sqlite://{}", dir.path().join("bench.db").display()),
            ..c
        })
        .map(|mut c| {
            // The bench sends far faster into each conversation than the per-conversation
            // message limit (issue 13) allows a person to; it measures the path, not the limit.
            c.chat.message_burst = u32::MAX;
            c
        })
        .expect("config");
    let store = Store::open_with(&config.database_url, config.durable_commits)
        .await
        .expect("store");
    let hub = Hub::start(
        store.clone(),
        loket::sfu::Sfu::new(loket::server::media_config(&config)),
        broker_config(&config),
        HubSettings::from_config(&config),
    )
    .await
    .expect("hub");
    let queue = store.queues().await.expect("queues")[0].id;
    let mut convs = Vec::new();
    let mut receivers = Vec::new();
    for i in 0..CONVERSATIONS {
        let (conv, _) = store
            .create_conversation(&NewConversation {
                queue_id: queue,
                topic_id: None,
                resident_name: &format!("resident {i}"),
                lang: "nl",
                origin: "bench",
                first_message: "hallo",
            })
            .await
            .expect("conversation");
        hub.contact_created(&conv).await.expect("queued");
        let (_, rx) = hub.connect_resident(conv.id).expect("connect");
        convs.push(conv.id);
        receivers.push(rx);
    }
    Setup {
        hub,
        convs,
        receivers,
        _dir: dir,
    }
}

fn chat_path(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let mut s = rt.block_on(setup());
    let mut group = c.benchmark_group("chat_path");
    group.throughput(Throughput::Elements(CONVERSATIONS as u64));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(10));
    let mut round = 0u64;
    group.bench_function("store_and_deliver_1000_conversations", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    round += 1;
                    let mut tasks = Vec::with_capacity(CONVERSATIONS);
                    for &conv in &s.convs {
                        let hub = s.hub.clone();
                        let id = format!("r{round}c{conv}");
                        tasks.push(tokio::spawn(async move {
                            hub.send_message(
                                conv,
                                Sender::Resident,
                                "bench",
                                "Hoe laat is het loket open?",
                                Some(&id),
                            )
                            .await
                            .expect("stored")
                        }));
                    }
                    for t in tasks {
                        t.await.expect("task");
                    }
                    for rx in &mut s.receivers {
                        // Queue-position updates may arrive too; wait for the message.
                        loop {
                            match rx.recv().await.as_deref() {
                                Some(Event::Message { .. }) => break,
                                Some(_) => continue,
                                None => panic!("connection dropped"),
                            }
                        }
                    }
                }
                start.elapsed()
            })
        })
    });
    group.finish();
}

criterion_group!(benches, chat_path);
criterion_main!(benches);
