use super::*;
use crate::auth::hash_token;

async fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let store = Store::open(&url).await.unwrap();
    (dir, store)
}

async fn conversation(store: &Store) -> (Conversation, String) {
    let queue = store.queues().await.unwrap()[0].id;
    store
        .create_conversation(&NewConversation {
            queue_id: queue,
            topic_id: None,
            resident_name: "Jan",
            lang: "nl",
            origin: "web",
            first_message: "Hallo",
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn default_queues_exist() {
    let (_d, s) = store().await;
    let slugs: Vec<_> = s
        .queues()
        .await
        .unwrap()
        .into_iter()
        .map(|q| q.slug)
        .collect();
    assert_eq!(slugs, ["chat", "video", "ngt"]);
}

#[tokio::test]
async fn messages_are_numbered_and_idempotent() {
    let (_d, s) = store().await;
    let (conv, token) = conversation(&s).await;
    assert_eq!(
        s.conversation_by_token(&token).await.unwrap().unwrap().id,
        conv.id
    );
    assert!(s.conversation_by_token("x").await.unwrap().is_none());
    let m = |client_id| NewMessage {
        conversation_id: conv.id,
        sender: Sender::Resident,
        sender_name: "Jan",
        body: "tweede",
        client_id,
    };
    let a = s.append_message(&m(Some("c1"))).await.unwrap();
    assert_eq!((a.message.seq, a.duplicate), (2, false));
    let again = s.append_message(&m(Some("c1"))).await.unwrap();
    assert_eq!((again.message.seq, again.duplicate), (2, true));
    let b = s.append_message(&m(None)).await.unwrap();
    assert_eq!(b.message.seq, 3);
    let all = s.messages_after(conv.id, 0, 100).await.unwrap();
    assert_eq!(all.iter().map(|m| m.seq).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(s.messages_after(conv.id, 2, 100).await.unwrap().len(), 1);
    let missing = s
        .append_message(&NewMessage {
            conversation_id: 999,
            ..m(None)
        })
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound)));
}

#[tokio::test]
async fn concurrent_appends_never_share_a_number() {
    let (_d, s) = store().await;
    let (conv, _) = conversation(&s).await;
    let mut tasks = Vec::new();
    for i in 0..40 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let id = format!("c{}", i % 20); // half are resends
            s.append_message(&NewMessage {
                conversation_id: conv.id,
                sender: Sender::Agent,
                sender_name: "A",
                body: "x",
                client_id: Some(&id),
            })
            .await
            .unwrap()
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let all = s.messages_after(conv.id, 0, 1000).await.unwrap();
    let seqs: Vec<i64> = all.iter().map(|m| m.seq).collect();
    assert_eq!(seqs, (1..=21).collect::<Vec<_>>());
}

#[tokio::test]
async fn sessions_expire_and_end() {
    let (_d, s) = store().await;
    let id = s
        .add_user(&NewUser {
            username: "anna",
            display_name: "Anna",
            role: Role::Agent,
            password_hash: "x",
            chat_capacity: 3,
            skills: &["chat"],
            is_demo: false,
        })
        .await
        .unwrap();
    assert!(matches!(
        s.add_user(&NewUser {
            username: "anna",
            display_name: "Anna",
            role: Role::Agent,
            password_hash: "x",
            chat_capacity: 3,
            skills: &[],
            is_demo: false,
        })
        .await,
        Err(StoreError::Duplicate(_))
    ));
    assert_eq!(s.user_skills(id).await.unwrap().len(), 1);
    let token = s.create_session(id).await.unwrap();
    assert_eq!(
        s.session_user(&token, 60_000).await.unwrap().unwrap().id,
        id
    );
    assert!(s.session_user(&token, -1).await.unwrap().is_none());
    s.delete_session(&token).await.unwrap();
    assert!(s.session_user(&token, 60_000).await.unwrap().is_none());
}

#[tokio::test]
async fn conversation_lifecycle() {
    let (_d, s) = store().await;
    let (conv, _) = conversation(&s).await;
    assert_eq!(conv.status, Status::Waiting);
    assert_eq!(s.open_conversations().await.unwrap().len(), 1);
    let left = EventNote::new(EventKind::Abandoned).detail("resident");
    assert!(s.finish(conv.id, Status::Abandoned, &left).await.unwrap());
    let ended = EventNote::new(EventKind::Ended).detail("resident");
    assert!(!s.finish(conv.id, Status::Ended, &ended).await.unwrap());
    assert!(s.open_conversations().await.unwrap().is_empty());
    // The log holds what happened once: a second finish changed nothing.
    let kinds: Vec<String> =
        sqlx::query_scalar("SELECT kind FROM contact_events WHERE conversation_id = ? ORDER BY id")
            .bind(conv.id)
            .fetch_all(&s.pool)
            .await
            .unwrap();
    assert_eq!(kinds, ["queued", "abandoned"]);
}

/// Every change to a contact writes its event in the same transaction, and the facts
/// the reports read are folded from those events alone.
#[tokio::test]
async fn the_event_log_follows_a_contact_and_folds_into_one_fact() {
    let (_d, s) = store().await;
    let (conv, _) = conversation(&s).await;
    let agent = s
        .add_user(&NewUser {
            username: "anna",
            display_name: "Anna",
            role: Role::Agent,
            password_hash: "x",
            chat_capacity: 3,
            skills: &[],
            is_demo: false,
        })
        .await
        .unwrap();
    s.record_event(conv.id, &EventNote::new(EventKind::Offered).staff(agent))
        .await
        .unwrap();
    s.record_event(conv.id, &EventNote::new(EventKind::Declined).staff(agent))
        .await
        .unwrap();
    s.set_active(conv.id, agent).await.unwrap();
    s.set_waiting(conv.id, &EventNote::new(EventKind::Requeued).staff(agent))
        .await
        .unwrap();
    // Not active any more: a second requeue is not logged.
    s.set_waiting(conv.id, &EventNote::new(EventKind::Requeued).staff(agent))
        .await
        .unwrap();
    s.set_active(conv.id, agent).await.unwrap();
    let ended = EventNote::new(EventKind::Ended).detail("agent");
    assert!(s.finish(conv.id, Status::Ended, &ended).await.unwrap());
    assert!(
        s.wrap_up(conv.id, agent, "other", "a note", Some(false))
            .await
            .unwrap()
    );
    // A second wrap-up neither changes the row nor logs.
    assert!(
        !s.wrap_up(conv.id, agent, "other", "x", Some(true))
            .await
            .unwrap()
    );
    let kinds: Vec<String> =
        sqlx::query_scalar("SELECT kind FROM contact_events WHERE conversation_id = ? ORDER BY id")
            .bind(conv.id)
            .fetch_all(&s.pool)
            .await
            .unwrap();
    assert_eq!(
        kinds,
        [
            "queued",
            "offered",
            "declined",
            "answered",
            "requeued",
            "answered",
            "ended",
            "survey_offered",
            "wrapped_up"
        ]
    );
    // No text of the conversation is in the log.
    let texts: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM contact_events WHERE detail LIKE '%note%' OR label LIKE '%note%'",
    )
    .fetch_one(&s.pool)
    .await
    .unwrap();
    assert_eq!(texts, 0);
    let facts = s.contact_facts(0, i64::MAX).await.unwrap();
    // The kept facts are the fold of the log.
    assert_eq!(facts, s.fold_events(0, i64::MAX).await.unwrap());
    assert_eq!(facts.len(), 1);
    let f = &facts[0];
    assert_eq!(f.contact, crate::insight::ContactRef::Conversation(conv.id));
    assert_eq!(f.agent_id, Some(agent));
    assert_eq!((f.offers, f.declines, f.requeues), (1, 1, 1));
    assert!(f.answered_at.is_some() && f.ended_at.is_some() && f.wrapped_at.is_some());
    assert_eq!(f.abandoned_at, None);
    assert_eq!(f.resolved, Some(false));
    assert_eq!(f.wrapup_topic.as_deref(), Some("other"));
    // A period that ends before it arrived holds nothing.
    assert!(s.contact_facts(0, f.queued_at).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_survey_is_offered_after_an_answer_only_and_answered_once() {
    use crate::insight::{Connection, QuestionAnswered};
    let (_d, s) = store().await;
    let agent = s
        .add_user(&NewUser {
            username: "anna",
            display_name: "Anna",
            role: Role::Agent,
            password_hash: "x",
            chat_capacity: 3,
            skills: &[],
            is_demo: false,
        })
        .await
        .unwrap();
    // Abandoned: no survey.
    let (left, _) = conversation(&s).await;
    let note = EventNote::new(EventKind::Abandoned);
    assert!(s.finish(left.id, Status::Abandoned, &note).await.unwrap());
    assert_eq!(s.survey_state(left.id).await.unwrap(), None);
    let answer = NewSurveyAnswer {
        satisfaction: 4,
        answered: QuestionAnswered::Partly,
        connection: Some(Connection::Good),
        comment: Some("prima geholpen".into()),
    };
    assert!(!s.answer_survey(left.id, &answer).await.unwrap());
    // Answered and ended: offered once, with the agent recorded.
    let (conv, _) = conversation(&s).await;
    s.set_active(conv.id, agent).await.unwrap();
    let ended = EventNote::new(EventKind::Ended).detail("resident");
    assert!(s.finish(conv.id, Status::Ended, &ended).await.unwrap());
    assert_eq!(
        s.survey_state(conv.id).await.unwrap(),
        Some(SurveyState {
            interpreter: false,
            answered: false
        })
    );
    let staff: String =
        sqlx::query_scalar("SELECT staff FROM survey_offers WHERE conversation_id = ?")
            .bind(conv.id)
            .fetch_one(&s.pool)
            .await
            .unwrap();
    assert_eq!(staff, format!("[{agent}]"));
    assert!(s.answer_survey(conv.id, &answer).await.unwrap());
    // The first answer stands.
    let again = NewSurveyAnswer {
        satisfaction: 1,
        ..answer.clone()
    };
    assert!(!s.answer_survey(conv.id, &again).await.unwrap());
    assert!(s.survey_state(conv.id).await.unwrap().unwrap().answered);
    let facts = s.contact_facts(0, i64::MAX).await.unwrap();
    let f = facts
        .iter()
        .find(|f| f.contact == crate::insight::ContactRef::Conversation(conv.id))
        .unwrap();
    assert!(f.survey_offered_at.is_some());
    let got = f.survey.unwrap();
    assert_eq!(
        (got.satisfaction, got.answered),
        (4, QuestionAnswered::Partly)
    );
    // No interpreter took part: the connection question was not asked, nothing kept.
    assert_eq!(got.connection, None);
    let other = facts
        .iter()
        .find(|f| f.contact == crate::insight::ContactRef::Conversation(left.id))
        .unwrap();
    assert_eq!((other.survey_offered_at, other.survey), (None, None));
    // The comment is not in the event log, and it goes with the messages' retention.
    let texts: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM contact_events WHERE detail LIKE '%prima%' OR label LIKE '%prima%'",
    )
    .fetch_one(&s.pool)
    .await
    .unwrap();
    assert_eq!(texts, 0);
    assert_eq!(
        s.survey_comment(conv.id).await.unwrap().as_deref(),
        Some("prima geholpen")
    );
    assert!(s.erase_conversation(conv.id).await.unwrap());
    assert_eq!(s.survey_comment(conv.id).await.unwrap(), None);
    // The figures survive the erasure.
    let facts = s.contact_facts(0, i64::MAX).await.unwrap();
    assert!(facts.iter().any(|f| f.survey.is_some()));
    // Answered by an interpreter: the connection question is asked and its answer kept.
    let tolk = s
        .add_user(&NewUser {
            username: "tolk",
            display_name: "Tolk",
            role: Role::Interpreter,
            password_hash: "x",
            chat_capacity: 1,
            skills: &[],
            is_demo: false,
        })
        .await
        .unwrap();
    let (call, _) = conversation(&s).await;
    s.set_active(call.id, tolk).await.unwrap();
    assert!(s.finish(call.id, Status::Ended, &ended).await.unwrap());
    assert_eq!(
        s.survey_state(call.id).await.unwrap(),
        Some(SurveyState {
            interpreter: true,
            answered: false
        })
    );
    let seen = NewSurveyAnswer {
        connection: Some(Connection::Sometimes),
        comment: None,
        ..answer
    };
    assert!(s.answer_survey(call.id, &seen).await.unwrap());
    let facts = s.contact_facts(0, i64::MAX).await.unwrap();
    let f = facts
        .iter()
        .find(|f| f.contact == crate::insight::ContactRef::Conversation(call.id))
        .unwrap();
    assert_eq!(f.survey.unwrap().connection, Some(Connection::Sometimes));
    assert_eq!(facts, s.fold_events(0, i64::MAX).await.unwrap());
    // An event written behind the store's back is in the log but not in the kept facts,
    // until they are rebuilt (what the first start after the upgrade does).
    sqlx::query(
        "INSERT INTO conversations (token_hash, resident_name, queue_id, status, created_at, origin)
         SELECT 'x', '', queue_id, 'ended', 1, origin FROM conversations LIMIT 1",
    )
    .execute(&s.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO contact_events (conversation_id, at, kind, queue_id, channel, origin)
         SELECT MAX(id), 1, 'queued', 1, 'chat', 'web' FROM conversations",
    )
    .execute(&s.pool)
    .await
    .unwrap();
    let folded = s.fold_events(0, i64::MAX).await.unwrap();
    assert_eq!(folded.len(), facts.len() + 1);
    assert_ne!(s.contact_facts(0, i64::MAX).await.unwrap(), folded);
    assert_eq!(s.rebuild_facts().await.unwrap(), folded.len());
    assert_eq!(s.contact_facts(0, i64::MAX).await.unwrap(), folded);
}

#[tokio::test]
async fn old_resends_and_restarts_never_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let s = Store::open(&url).await.unwrap();
    let (conv, _) = conversation(&s).await;
    let send = |s: Store, id: String| async move {
        s.append_message(&NewMessage {
            conversation_id: conv.id,
            sender: Sender::Resident,
            sender_name: "Jan",
            body: "x",
            client_id: Some(&id),
        })
        .await
        .unwrap()
    };
    for i in 0..300 {
        send(s.clone(), format!("c{i}")).await;
    }
    // Older than the ids the writer remembers: caught by the index, retried carefully.
    let again = send(s.clone(), "c0".into()).await;
    assert!(again.duplicate);
    assert_eq!(again.message.seq, 2);
    let next = send(s.clone(), "new".into()).await;
    assert_eq!((next.message.seq, next.duplicate), (302, false));
    s.close().await;
    // After a restart the writer knows nothing; the database does.
    let s = Store::open(&url).await.unwrap();
    let again = send(s.clone(), "c299".into()).await;
    assert!(again.duplicate);
    assert_eq!(again.message.seq, 301);
    let next = send(s.clone(), "after-restart".into()).await;
    assert_eq!(next.message.seq, 303);
    let all = s.messages_after(conv.id, 0, 1000).await.unwrap();
    assert_eq!(all.len(), 303);
}

#[tokio::test]
async fn session_use_is_written_in_batches_at_most_once_a_minute() {
    let (_dir, s) = store().await;
    let id = s
        .add_user(&NewUser {
            username: "piet",
            display_name: "Piet",
            role: Role::Agent,
            password_hash: "x",
            chat_capacity: 3,
            skills: &[],
            is_demo: false,
        })
        .await
        .unwrap();
    let token = s.create_session(id).await.unwrap();
    let hash = hash_token(&token);
    let last_seen = || async {
        sqlx::query_scalar::<_, i64>("SELECT last_seen_at FROM sessions WHERE token_hash = ?")
            .bind(hash.as_slice())
            .fetch_one(&s.pool)
            .await
            .unwrap()
    };
    // Used just now: nothing is written.
    let created = last_seen().await;
    s.session_user(&token, 3_600_000).await.unwrap().unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert_eq!(last_seen().await, created);
    // Last used two minutes ago: the use is written (by the batch task, soon after).
    let old = now_ms() - 120_000;
    sqlx::query("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?")
        .bind(old)
        .bind(hash.as_slice())
        .execute(&s.pool)
        .await
        .unwrap();
    s.session_user(&token, 3_600_000).await.unwrap().unwrap();
    // The batch task writes it soon after; a busy machine may take longer than a quiet one.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while last_seen().await < old + 120_000 - 1_000 {
        assert!(
            std::time::Instant::now() < deadline,
            "the session's use was not written"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
