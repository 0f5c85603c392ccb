"""The decision core: plain messages in, decisions and actions out. No I/O, no platform types."""
