//! `select!`, `select`, `race`, `select_all`, `select_ok`.

mod common;

use std::future::{pending, ready, Future};
use std::pin::Pin;

use common::{on_every_executor, size, yield_once, DropCounter};
use futures::channel::{mpsc, oneshot};
use futures::StreamExt;
use weave_combinators::{race, select, select_all, select_ok, Either};

#[test]
fn select_is_fair_when_both_branches_are_ready() {
    on_every_executor(|| async {
        let trials = size(10_000, 600);
        let mut first = 0usize;
        for _ in 0..trials {
            select! {
                _ = ready(()) => first += 1,
                _ = ready(()) => {}
            }
        }
        // Neither branch wins more than 60%.
        let share = first as f64 / trials as f64;
        assert!((0.4..=0.6).contains(&share), "first branch won {share:.3}");
    });
}

#[test]
fn biased_select_polls_in_written_order() {
    on_every_executor(|| async {
        for _ in 0..size(1_000, 20) {
            let winner = select! {
                biased;
                v = ready(1) => v,
                v = ready(2) => v,
            };
            assert_eq!(winner, 1);
        }
    });
}

#[test]
fn race_is_fair_when_both_are_ready() {
    on_every_executor(|| async {
        let trials = size(10_000, 600);
        let mut first = 0usize;
        for _ in 0..trials {
            first += race(ready(1usize), ready(0)).await;
        }
        let share = first as f64 / trials as f64;
        assert!((0.4..=0.6).contains(&share), "first future won {share:.3}");
    });
}

#[test]
fn select_drops_the_losing_branches() {
    on_every_executor(|| async {
        let drops = DropCounter::default();
        let token = drops.token();
        let v = select! {
            _ = async move { let _t = token; pending::<()>().await } => 0,
            v = async { yield_once().await; 5 } => v,
        };
        assert_eq!(v, 5);
        assert_eq!(drops.dropped(), 1);
    });
}

#[test]
fn a_branch_whose_pattern_fails_is_disabled_and_the_others_go_on() {
    on_every_executor(|| async {
        let (tx, rx) = oneshot::channel::<u8>();
        drop(tx); // rx resolves to Err(Canceled): `Ok(v)` does not match
        let v = select! {
            Ok(v) = rx => v,
            v = async { yield_once().await; 9 } => v,
        };
        assert_eq!(v, 9);
    });
}

#[test]
fn else_runs_when_every_branch_is_disabled() {
    on_every_executor(|| async {
        let enabled = false;
        let v = select! {
            v = ready(1), if enabled => v,
            Some(v) = ready(None::<u8>) => v,
            else => 42,
        };
        assert_eq!(v, 42);
    });
}

#[test]
fn handlers_can_break_return_and_bind_mutably() {
    async fn first_even(mut rx: mpsc::UnboundedReceiver<u32>) -> Option<u32> {
        loop {
            select! {
                Some(mut v) = rx.next() => {
                    v += 0; // `mut` in the pattern binds mutably
                    if v % 2 == 0 {
                        return Some(v);
                    }
                    continue;
                }
                else => break,
            }
        }
        None
    }
    on_every_executor(|| async {
        let (tx, rx) = mpsc::unbounded();
        for v in [1, 3, 4, 5] {
            tx.unbounded_send(v).unwrap();
        }
        assert_eq!(first_even(rx).await, Some(4));
        let (tx, rx) = mpsc::unbounded::<u32>();
        tx.unbounded_send(1).unwrap();
        drop(tx);
        assert_eq!(first_even(rx).await, None);
    });
}

#[test]
fn select_handles_tuple_and_struct_patterns() {
    struct Pair {
        left: u8,
        right: String,
    }
    on_every_executor(|| async {
        let v = select! {
            (a, Some(ref b)) = ready((1u8, Some(2u8))) => a + *b,
            Pair { left, right: mut r } = ready(Pair { left: 0, right: String::new() }) => {
                r.push('x');
                left + r.len() as u8
            }
        };
        assert!(v == 3 || v == 1, "{v}");
    });
}

#[test]
#[should_panic(expected = "every branch is disabled")]
fn select_without_else_panics_when_every_branch_is_disabled() {
    futures::executor::block_on(async {
        select! {
            v = ready(1), if false => v,
        }
    });
}

#[test]
fn select_function_hands_back_the_loser() {
    on_every_executor(|| async {
        let (tx, rx) = oneshot::channel::<u8>();
        let sender = Box::pin(async move {
            yield_once().await;
            tx.send(3).unwrap();
            "sent"
        });
        // The receiver loses the first round; awaiting it afterwards still works.
        match select(sender, rx).await {
            Either::Left((said, rx)) => {
                assert_eq!(said, "sent");
                assert_eq!(rx.await, Ok(3));
            }
            Either::Right(_) => panic!("nothing was sent before the sender finished"),
        }
    });
}

#[test]
fn select_all_and_select_ok_return_the_winner_and_the_rest() {
    type Fut = Pin<Box<dyn Future<Output = Result<u8, &'static str>> + Send>>;
    on_every_executor(|| async {
        let futures: Vec<Fut> = vec![
            Box::pin(async { pending().await }),
            Box::pin(async { Err("first") }),
            Box::pin(async {
                yield_once().await;
                Ok(7)
            }),
        ];
        let (out, index, rest) = select_all(futures).await;
        assert_eq!((out, index, rest.len()), (Err("first"), 1, 2));

        let (value, rest) = select_ok(rest).await.unwrap();
        assert_eq!((value, rest.len()), (7, 1));

        let all_fail: Vec<Fut> = vec![Box::pin(async { Err("a") }), Box::pin(async { Err("b") })];
        assert_eq!(select_ok(all_fail).await.err(), Some("b"));
    });
}
