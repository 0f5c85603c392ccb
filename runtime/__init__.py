"""Runtime: wires the pure core to the store and the channels."""
