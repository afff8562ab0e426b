//! The sound device: listing outputs and opening one for a programme.
//!
//! The device is opened at pre-roll and closed after the programme: an open, idle rodio sink
//! keeps the output stream running (rodio #299). Errors the device reports while open (an
//! unplugged USB card, a vanished PCM) arrive through cpal's error callback and are passed on.

use rodio::DeviceTrait;
use rodio::cpal::traits::HostTrait;

use super::output::Output;

/// An output device as `loaxa devices` shows it.
#[derive(Clone, Debug)]
pub struct DeviceInfo {
    /// The name to put in `[audio] device`.
    pub name: String,
    pub id: String,
    pub is_default: bool,
}

/// Every output device the sound system offers.
pub fn list() -> Result<Vec<DeviceInfo>, String> {
    let host = rodio::cpal::default_host();
    let default_id = host
        .default_output_device()
        .and_then(|d| d.id().ok())
        .map(|i| i.to_string());
    let devices = host.output_devices().map_err(|e| t!("device-cannot-list", why = e))?;
    let mut list: Vec<DeviceInfo> = devices
        .map(|d| {
            let id = d.id().map(|i| i.to_string()).unwrap_or_default();
            DeviceInfo {
                name: d
                    .description()
                    .map(|x| x.name().to_string())
                    .unwrap_or_else(|_| id.clone()),
                is_default: default_id.as_deref() == Some(id.as_str()),
                id,
            }
        })
        .collect();
    // The default PCM is often not among the hinted devices; show it anyway.
    if let Some(id) = default_id
        && !list.iter().any(|d| d.is_default)
    {
        list.insert(
            0,
            DeviceInfo {
                name: "default".into(),
                id,
                is_default: true,
            },
        );
    }
    Ok(list)
}

/// Whether the named device exists, without opening it (for the start-up summary).
pub fn find(name: &str) -> Result<(), String> {
    lookup(name).map(|_| ())
}

fn lookup(name: &str) -> Result<rodio::cpal::Device, String> {
    let host = rodio::cpal::default_host();
    if name == "default" {
        host.default_output_device().ok_or_else(|| t!("device-no-default"))
    } else {
        host.output_devices()
            .map_err(|e| t!("device-cannot-list", why = e))?
            .find(|d| {
                d.description().is_ok_and(|x| x.name() == name)
                    || d.id()
                        .is_ok_and(|i| i.to_string() == name || i.to_string().ends_with(&format!(":{name}")))
            })
            .ok_or_else(|| t!("device-not-found", name = name))
    }
}

/// Opens the named device (`"default"` for the system default), reporting later device errors
/// through `on_error`.
pub fn open(name: &str, on_error: impl FnMut(rodio::cpal::Error) + Send + 'static) -> Result<Output, String> {
    let device = lookup(name)?;
    Output::open(&device, on_error).map_err(|e| t!("device-cannot-open", name = name, why = e))
}
