"""The pure core: frozen dataclasses and functions. No frameworks, no I/O, no clock; time, tariffs and rules
are passed in so every answer can be reproduced from its inputs."""
