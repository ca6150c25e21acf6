//! The stackful scheduler's promise: a plain function, however deep in a
//! task's calls, suspends the task, and only that task; the I/O functions
//! are such plain functions.

use part7_os::net::Listener;
use part8_stack::stackful::{Scheduler, Sys, accept, recv, send};
use part8_stack::stacks::Stacks;
use std::cell::RefCell;
use std::net::TcpStream;
use std::rc::Rc;

type Log = Rc<RefCell<Vec<String>>>;

fn note(log: &Log, line: impl Into<String>) {
    log.borrow_mut().push(line.into());
}

/// Recurses `depth` plain calls deep, then yields from the bottom.
fn deep(sys: &Sys, depth: u32, log: &Log) -> u32 {
    if depth == 0 {
        note(log, "bottom: yielding");
        sys.yield_();
        note(log, "bottom: back");
        return 0;
    }
    1 + deep(sys, depth - 1, log)
}

#[test]
fn a_function_deep_in_a_task_suspends_the_task_and_no_other() {
    let log: Log = Log::default();
    let (a, b) = (Rc::clone(&log), Rc::clone(&log));
    let mut sched = Scheduler::new(Stacks::new(64 * 1024));
    sched
        .spawn(move |sys: &Sys| {
            let depth = deep(sys, 20, &a);
            note(&a, format!("returned from {depth} calls"));
        })
        .unwrap();
    sched
        .spawn(move |sys: &Sys| {
            note(&b, "other: my turn");
            sys.yield_();
            note(&b, "other: again");
        })
        .unwrap();
    sched.run().unwrap();
    assert_eq!(
        *log.borrow(),
        [
            "bottom: yielding",
            "other: my turn",
            "bottom: back",
            "returned from 20 calls",
            "other: again"
        ]
    );
    assert!(sched.is_empty());
}

#[test]
fn accept_recv_and_send_are_plain_functions_that_wait() {
    let listener =
        Listener::new(part7_os::net::listen("127.0.0.1", 0, 16).unwrap())
            .unwrap();
    let addr = listener.local_addr().unwrap();
    let log: Log = Log::default();
    let (a, b) = (Rc::clone(&log), Rc::clone(&log));
    let mut sched = Scheduler::new(Stacks::new(64 * 1024));
    // The server: an ordinary function that receives a line, from a task.
    fn serve_one(sys: &Sys, listener: &Rc<Listener>, log: &Log) {
        let (client, _) = accept(sys, listener).unwrap();
        let client = Rc::new(client);
        let mut buf = [0; 64];
        let n = recv(sys, &client, &mut buf).unwrap();
        note(log, format!("server got {:?}", &buf[..n]));
        send(sys, &client, b"pong").unwrap();
    }
    sched
        .spawn(move |sys: &Sys| serve_one(sys, &Rc::new(listener), &a))
        .unwrap();
    sched
        .spawn(move |sys: &Sys| {
            note(&b, "client: connecting");
            let stream = TcpStream::connect(addr).unwrap();
            stream.set_nonblocking(true).unwrap();
            let stream = Rc::new(stream);
            send(sys, &stream, b"ping").unwrap();
            let mut buf = [0; 4];
            let n = recv(sys, &stream, &mut buf).unwrap();
            note(&b, format!("client got {:?}", &buf[..n]));
        })
        .unwrap();
    sched.run().unwrap();
    assert_eq!(
        *log.borrow(),
        [
            "client: connecting",
            "server got [112, 105, 110, 103]",
            "client got [112, 111, 110, 103]"
        ]
    );
}
