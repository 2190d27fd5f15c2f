"""One training run for test_resume.py, in its own process: fit with BackupAndRestore, then
print the SHA-256 of the final weights as JSON.

    python _resume_run.py BACKUP_DIR [--seed S] [--interrupt-at K] [--control NAME]
                          [--kill-save-at M]

--seed S           the seed given to glassnet.utils.set_random_seed (default 0);

--interrupt-at K   exit the process (os._exit) as epoch K begins, after epoch K-1's backup;
--control NAME     leave part of the state out of the checkpoint (a negative control):
                   'no-optimizer', 'no-rng' (every generator) or 'no-layer-rng';
--kill-save-at M   exit the process half-way through writing the M-th checkpoint.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os

EPOCHS = 6


def build_model(seed: int):
    import glassnet
    from glassnet.layers import BatchNormalization, Dense, Dropout
    from glassnet.models import Sequential

    glassnet.utils.set_random_seed(seed)
    model = Sequential([
        Dense(16, activation="relu", input_shape=(4,)),
        BatchNormalization(),
        Dropout(0.3),  # draws from glassnet's generator
        Dense(16, activation="relu"),
        Dropout(0.2, seed=7),  # owns its generator
        Dense(1, activation="sigmoid"),
    ])  # fmt: skip
    schedule = glassnet.schedules.ExponentialDecay(0.02, decay_steps=5, decay_rate=0.9)
    model.compile(optimizer=glassnet.optimizers.Adam(learning_rate=schedule),
                  loss="binary_crossentropy")  # fmt: skip
    return model


def data():
    import numpy as np

    rng = np.random.default_rng(123)
    x = rng.normal(size=(200, 4)).astype(np.float32)
    y = (x[:, :1] + 0.5 * x[:, 1:2] > 0).astype(np.float32)
    return x, y


def apply_control(name: str) -> None:
    """Patch the checkpoint code so that part of the state is not saved or restored."""
    import numpy as np

    from glassnet.io import _compile, _rng_state

    if name == "no-optimizer":
        _compile.optimizer_state = lambda model, keys: None
    elif name == "no-rng":  # a stand-in generator is saved and restored instead
        _rng_state.model_generators = lambda model: [("stand-in", np.random.default_rng(0))]
    elif name == "no-layer-rng":
        every = _rng_state.model_generators
        _rng_state.model_generators = lambda model: every(model)[:1]
    elif name != "none":
        raise SystemExit(f"unknown control {name!r}")


def kill_during_save(at: int) -> None:
    """Make the at-th checkpoint write half its weights member, then die without cleanup."""
    from glassnet.io import checkpoint

    write_zip, count = checkpoint._write_zip, [0]

    def dying_write_zip(file, members):
        count[0] += 1
        if count[0] == at:
            name = "model.weights.safetensors"
            size, write = members[name]

            def write_half(out):
                buffer = io.BytesIO()
                write(buffer)
                out.write(buffer.getvalue()[: size // 2])
                out.flush()
                file.flush()
                os.fsync(file.fileno())
                os._exit(9)

            members = {**members, name: (size, write_half)}
        return write_zip(file, members)

    checkpoint._write_zip = dying_write_zip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("backup_dir")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--interrupt-at", type=int, default=None)
    parser.add_argument("--control", default="none")
    parser.add_argument("--kill-save-at", type=int, default=None)
    args = parser.parse_args()

    from glassnet.callbacks import BackupAndRestore, Callback

    class Interrupt(Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == args.interrupt_at:
                os._exit(17)

    apply_control(args.control)
    if args.kill_save_at is not None:
        kill_during_save(args.kill_save_at)
    model = build_model(args.seed)
    x, y = data()
    history = model.fit(x, y, epochs=EPOCHS, batch_size=16, shuffle=True, verbose=0,
                        callbacks=[BackupAndRestore(args.backup_dir), Interrupt()])  # fmt: skip
    weights = b"".join(w.data.tobytes() for w in model.weights)
    print(json.dumps({
        "sha256": hashlib.sha256(weights).hexdigest(),
        "epochs": history.epoch,
        "iterations": model.optimizer.iterations,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
