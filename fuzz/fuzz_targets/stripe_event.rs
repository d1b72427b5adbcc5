#![no_main]
// Any verified body through Stripe's and Resend's event decoders: an event or an error.

use libfuzzer_sys::fuzz_target;
use proign_resend::event::EmailEvent;
use proign_stripe::event::Event;

fuzz_target!(|data: &[u8]| {
    if let Ok(event) = Event::from_slice(data) {
        let _ = event.billing_object();
    }
    let _ = EmailEvent::from_slice(data);
});
