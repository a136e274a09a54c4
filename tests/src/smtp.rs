//! A real SMTP server on loopback for the mail tests and the sending bench: the `mailin`
//! protocol state machine behind a small thread-per-connection TCP loop. Replies can be
//! scripted per recipient, received messages are recorded, and the server can be taken down
//! (connections refused, open ones cut) and brought back on the same port.

use std::io::{BufRead, BufReader, Write};
use std::net::{IpAddr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mailin::{Action, Handler, Response, SessionBuilder};

/// A message as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// The message bytes (dot-unstuffed, CRLF line ends).
    pub data: Vec<u8>,
}

impl Received {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }

    /// The first header of that name, unfolded.
    pub fn header(&self, name: &str) -> Option<String> {
        let text = self.text();
        let head = text.split("\r\n\r\n").next().unwrap_or("");
        let mut found: Option<String> = None;
        for line in head.split("\r\n") {
            if line.starts_with([' ', '\t']) {
                if let Some(v) = found.as_mut() {
                    v.push(' ');
                    v.push_str(line.trim());
                }
                continue;
            }
            if found.is_some() {
                break;
            }
            if let Some((n, v)) = line.split_once(':')
                && n.eq_ignore_ascii_case(name)
            {
                found = Some(v.trim().to_owned());
            }
        }
        found
    }
}

/// A scripted reply to `RCPT TO` for recipients containing a pattern.
#[derive(Debug, Clone)]
pub struct Rule {
    pub pattern: String,
    pub code: u16,
    pub text: String,
    /// Only the first `times` matching recipients get this reply (`None`: always).
    pub times: Option<u32>,
}

#[derive(Default)]
struct State {
    messages: Mutex<Vec<Received>>,
    rules: Mutex<Vec<Rule>>,
    delay_ms: AtomicU64,
    refused: Mutex<Vec<(String, u16)>>,
    connections: Mutex<Vec<TcpStream>>,
}

pub struct SmtpSink {
    addr: SocketAddr,
    state: Arc<State>,
    running: Mutex<Option<Arc<AtomicBool>>>,
}

#[derive(Clone)]
struct Session {
    state: Arc<State>,
    from: String,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Session {
    fn mail(&mut self, _ip: IpAddr, _domain: &str, from: &str) -> Response {
        self.from = from.to_owned();
        self.to.clear();
        self.data.clear();
        mailin::response::OK
    }

    fn rcpt(&mut self, to: &str) -> Response {
        let mut rules = self.state.rules.lock().unwrap();
        let lower = to.to_ascii_lowercase();
        for rule in rules.iter_mut() {
            if lower.contains(&rule.pattern.to_ascii_lowercase()) {
                match rule.times {
                    Some(0) => continue,
                    Some(n) => rule.times = Some(n - 1),
                    None => {}
                }
                self.state
                    .refused
                    .lock()
                    .unwrap()
                    .push((to.to_owned(), rule.code));
                return Response::custom(rule.code, rule.text.clone());
            }
        }
        self.to.push(to.to_owned());
        mailin::response::OK
    }

    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.to = to.to_vec();
        self.data.clear();
        mailin::response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let delay = self.state.delay_ms.load(Ordering::Relaxed);
        if delay > 0 {
            std::thread::sleep(Duration::from_millis(delay));
        }
        self.state.messages.lock().unwrap().push(Received {
            from: self.from.clone(),
            to: self.to.clone(),
            data: std::mem::take(&mut self.data),
        });
        Response::custom(250, "2.0.0 Ok: queued".into())
    }
}

fn serve_connection(stream: TcpStream, state: Arc<State>) {
    let peer = stream
        .peer_addr()
        .map(|a| a.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    let handler = Session {
        state,
        from: String::new(),
        to: Vec::new(),
        data: Vec::new(),
    };
    let mut session = SessionBuilder::new("sink.test").build(peer, handler);
    if session.greeting().write_to(&mut writer).is_err() {
        return;
    }
    let mut line = Vec::with_capacity(256);
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let res = session.process(&line);
        match res.action {
            Action::Reply => {
                if res
                    .write_to(&mut writer)
                    .and_then(|_| writer.flush())
                    .is_err()
                {
                    return;
                }
            }
            Action::Close => {
                let _ = res.write_to(&mut writer);
                let _ = writer.flush();
                return;
            }
            Action::UpgradeTls => return,
            Action::NoReply => {}
        }
    }
}

impl SmtpSink {
    /// A server on a free loopback port.
    pub fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind SMTP sink");
        let addr = listener.local_addr().expect("sink address");
        let sink = SmtpSink {
            addr,
            state: Arc::new(State::default()),
            running: Mutex::new(None),
        };
        sink.run(listener);
        sink
    }

    fn run(&self, listener: TcpListener) {
        let running = Arc::new(AtomicBool::new(true));
        *self.running.lock().unwrap() = Some(running.clone());
        let state = self.state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if !running.load(Ordering::Relaxed) {
                    return;
                }
                let Ok(stream) = stream else { continue };
                let _ = stream.set_nodelay(true);
                if let Ok(clone) = stream.try_clone() {
                    state.connections.lock().unwrap().push(clone);
                }
                let state = state.clone();
                std::thread::spawn(move || serve_connection(stream, state));
            }
        });
    }

    /// `SMTP_URL` for this server (plaintext).
    pub fn url(&self) -> String {
        format!("smtp://{}?tls=none", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Replies `code text` to recipients containing `pattern` (the first `times` of them, or
    /// always).
    pub fn rule(&self, pattern: &str, code: u16, text: &str, times: Option<u32>) {
        self.state.rules.lock().unwrap().push(Rule {
            pattern: pattern.to_owned(),
            code,
            text: text.to_owned(),
            times,
        });
    }

    /// Waits this long before answering the end of each message.
    pub fn set_delay(&self, delay: Duration) {
        self.state
            .delay_ms
            .store(delay.as_millis() as u64, Ordering::Relaxed);
    }

    pub fn messages(&self) -> Vec<Received> {
        self.state.messages.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.state.messages.lock().unwrap().len()
    }

    /// Recipients refused by a rule, with the code.
    pub fn refused(&self) -> Vec<(String, u16)> {
        self.state.refused.lock().unwrap().clone()
    }

    /// Waits until at least `n` messages arrived; false on timeout.
    pub fn wait_for(&self, n: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if self.count() >= n {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.count() >= n
    }

    /// Goes down: new connections are refused and open ones are cut.
    pub fn down(&self) {
        if let Some(running) = self.running.lock().unwrap().take() {
            running.store(false, Ordering::Relaxed);
            // Unblocks the accept loop, which then drops the listener.
            let _ = TcpStream::connect(self.addr);
        }
        for conn in self.state.connections.lock().unwrap().drain(..) {
            let _ = conn.shutdown(Shutdown::Both);
        }
        // The accept thread drops the listener once it sees the flag.
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline && TcpListener::bind(self.addr).is_err() {
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Comes back on the same port.
    pub fn up(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match TcpListener::bind(self.addr) {
                Ok(listener) => return self.run(listener),
                Err(e) if Instant::now() < deadline => {
                    let _ = e;
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => panic!("cannot rebind the SMTP sink on {}: {e}", self.addr),
            }
        }
    }
}
