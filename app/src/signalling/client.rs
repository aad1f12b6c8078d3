//! The browser's end of the signalling socket: typed messages in and out, and reconnecting
//! with growing pauses when the connection drops. Browser only (`hydrate`).

use super::types::{read_server_message, ClientMessage, Envelope, ServerMessage, SIGNAL_PATH};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

/// The state of the link to the server, for the page to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Connecting,
    Open,
    /// Dropped; trying again (this many attempts so far).
    Lost(u32),
    /// Refused by the server's cap on open sockets (this page open in too many windows);
    /// trying again only slowly.
    Refused,
}

impl Link {
    /// What a page says about its link, if anything: `lost` from the second failed attempt on
    /// (a single drop is mended unseen), the server's reason when its cap refused the socket.
    pub fn notice(self, lost: &'static str) -> Option<&'static str> {
        match self {
            Link::Lost(n) if n > 1 => Some(lost),
            Link::Refused => Some("socket-too-many"),
            _ => None,
        }
    }
}

type Handler<T> = Rc<dyn Fn(T)>;

struct Inner {
    url: String,
    socket: Option<WebSocket>,
    on_message: Handler<ServerMessage>,
    on_link: Handler<Link>,
    attempts: u32,
    stopped: bool,
    /// Sent once the socket is open again (after the page's own `on_link(Open)` messages).
    queued: Vec<ClientMessage>,
    // The callbacks of the current socket live as long as it does.
    callbacks: Vec<Box<dyn std::any::Any>>,
}

/// An open (or reopening) signalling socket.
#[derive(Clone)]
pub struct SignalClient(Rc<RefCell<Inner>>);

fn socket_url(side: &str) -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    Some(format!(
        "{scheme}://{}{SIGNAL_PATH}?seite={side}",
        location.host().ok()?
    ))
}

impl SignalClient {
    /// Connects as `side` ("patient" or "praxis"); `on_message` gets every message,
    /// `on_link` every change of the link.
    pub fn connect(
        side: &str,
        on_message: impl Fn(ServerMessage) + 'static,
        on_link: impl Fn(Link) + 'static,
    ) -> Self {
        let client = Self(Rc::new(RefCell::new(Inner {
            url: socket_url(side).unwrap_or_default(),
            socket: None,
            on_message: Rc::new(on_message),
            on_link: Rc::new(on_link),
            attempts: 0,
            stopped: false,
            queued: Vec::new(),
            callbacks: Vec::new(),
        })));
        client.open();
        client
    }

    fn open(&self) {
        let (url, on_link) = {
            let inner = self.0.borrow();
            (inner.url.clone(), inner.on_link.clone())
        };
        on_link(Link::Connecting);
        let Ok(socket) = WebSocket::new(&url) else {
            self.retry(false);
            return;
        };
        let weak = Rc::downgrade(&self.0);
        let on_open = Closure::<dyn FnMut()>::new({
            let weak = weak.clone();
            move || {
                if let Some(inner) = weak.upgrade() {
                    inner.borrow_mut().attempts = 0;
                    let on_link = inner.borrow().on_link.clone();
                    on_link(Link::Open);
                    let queued = std::mem::take(&mut inner.borrow_mut().queued);
                    let client = SignalClient(inner);
                    for message in queued {
                        client.send_soon(message);
                    }
                }
            }
        });
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new({
            let weak = weak.clone();
            move |event: MessageEvent| {
                let Some(text) = event.data().as_string() else {
                    return;
                };
                let Some(message) = read_server_message(&text) else {
                    return;
                };
                if let Some(inner) = weak.upgrade() {
                    let handler = inner.borrow().on_message.clone();
                    handler(message);
                }
            }
        });
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new({
            let weak = weak.clone();
            move |event: CloseEvent| {
                if let Some(inner) = weak.upgrade() {
                    // Over the server's socket cap (other windows of this page are open): say
                    // so, and try again only slowly, at the longest delay.
                    let refused = event.code() == crate::signalling::types::TOO_MANY_SOCKETS;
                    if refused {
                        inner.borrow_mut().attempts = 4;
                    }
                    SignalClient(inner).retry(refused);
                }
            }
        });
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        let mut inner = self.0.borrow_mut();
        inner.socket = Some(socket);
        inner.callbacks = vec![Box::new(on_open), Box::new(on_message), Box::new(on_close)];
    }

    /// After a drop: wait about 1, 2, 4, then 8 seconds between attempts (spread at
    /// random, see [`reconnect_delay_ms`](crate::signalling::types::reconnect_delay_ms)).
    fn retry(&self, refused: bool) {
        let (stopped, attempts, on_link) = {
            let mut inner = self.0.borrow_mut();
            inner.attempts += 1;
            (inner.stopped, inner.attempts, inner.on_link.clone())
        };
        if stopped {
            return;
        }
        on_link(if refused {
            Link::Refused
        } else {
            Link::Lost(attempts)
        });
        let delay = crate::signalling::types::reconnect_delay_ms(attempts, js_sys::Math::random());
        let weak = Rc::downgrade(&self.0);
        leptos::prelude::set_timeout(
            move || {
                if let Some(inner) = weak.upgrade() {
                    if !inner.borrow().stopped {
                        SignalClient(inner).open();
                    }
                }
            },
            std::time::Duration::from_millis(delay),
        );
    }

    /// Whether the socket is open now.
    pub fn is_open(&self) -> bool {
        self.0
            .borrow()
            .socket
            .as_ref()
            .is_some_and(|socket| socket.ready_state() == WebSocket::OPEN)
    }

    /// Sends a message; `false` while the socket is not open.
    pub fn send(&self, message: ClientMessage) -> bool {
        let inner = self.0.borrow();
        let Some(socket) = inner.socket.as_ref() else {
            return false;
        };
        if socket.ready_state() != WebSocket::OPEN {
            return false;
        }
        serde_json::to_string(&Envelope::new(message))
            .ok()
            .is_some_and(|text| socket.send_with_str(&text).is_ok())
    }

    /// Sends a message now if the socket is open (`true`), else as soon as it is open again.
    pub fn send_soon(&self, message: ClientMessage) -> bool {
        if self.send(message.clone()) {
            return true;
        }
        self.0.borrow_mut().queued.push(message);
        false
    }

    /// Closes for good (no reconnect).
    pub fn stop(&self) {
        let mut inner = self.0.borrow_mut();
        inner.stopped = true;
        if let Some(socket) = inner.socket.take() {
            socket.set_onclose(None);
            let _ = socket.close();
        }
    }
}
