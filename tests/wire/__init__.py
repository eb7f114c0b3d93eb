"""Wire fidelity: what aiolabel sends compared with what the official SDK sends."""
