"""PyTorch CPU reference for `gauntlet bench`: the same zoo model (weights read from its tfjs
files), the same MNIST images, the same batch and the same PGD, on 2 threads. Writes the logits
of the benchmark batch so the bench can check both engines agree (a speed ratio between two
different computations would mean nothing), prints one JSON line, then answers one line per
command on stdin ("forward", "gradient", "pgd") with the rate of one timed run in items/s. The
bench drives it run by run so each gauntlet run has a PyTorch run beside it in time: this
machine's PyTorch throughput drifts several-fold over minutes.

usage: torch-reference.py MODEL_DIR MNIST_TEST_IDX BATCH PGD_IMAGES LOGITS_OUT
"""
import json
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(2)


def read_idx_images(path, count):
    with open(path, "rb") as f:
        data = f.read()
    n, rows, cols = (int.from_bytes(data[i:i + 4], "big") for i in (4, 8, 12))
    pixels = np.frombuffer(data, dtype=np.uint8, offset=16, count=n * rows * cols)
    return (pixels.reshape(n, rows, cols, 1)[:count].astype(np.float32) / 255.0)


def read_idx_labels(path, count):
    with open(path, "rb") as f:
        data = f.read()
    return np.frombuffer(data, dtype=np.uint8, offset=8)[:count].astype(np.int64)


def load_tfjs(model_dir):
    """The layer list and weights of a tfjs LayersModel (Sequential) saved by gauntlet."""
    with open(f"{model_dir}/model.json") as f:
        model = json.load(f)
    topology = model["modelTopology"]
    config = topology.get("model_config", topology)["config"]
    layers = config["layers"] if isinstance(config, dict) else config
    weights = {}
    for group in model["weightsManifest"]:
        blob = b"".join(open(f"{model_dir}/{p}", "rb").read() for p in group["paths"])
        offset = 0
        for spec in group["weights"]:
            size = int(np.prod(spec["shape"])) if spec["shape"] else 1
            weights[spec["name"]] = np.frombuffer(blob, dtype=np.float32, offset=offset, count=size).reshape(spec["shape"])
            offset += 4 * size
    return layers, weights


class TfjsSequential(torch.nn.Module):
    """Runs NCHW internally, but flattens in tfjs's NHWC order so dense weights line up."""

    def __init__(self, layers, weights):
        super().__init__()
        self.steps = []
        self.params = torch.nn.ParameterList()
        for layer in layers:
            kind, cfg = layer["class_name"], layer["config"]
            name = cfg["name"]
            if kind == "Conv2D":
                w = torch.tensor(weights[f"{name}/kernel"]).permute(3, 2, 0, 1).contiguous()
                b = torch.tensor(weights[f"{name}/bias"])
                self.params.extend([torch.nn.Parameter(w, requires_grad=False), torch.nn.Parameter(b, requires_grad=False)])
                self.steps.append(("conv", (w, b, tuple(cfg["strides"]), cfg["padding"], cfg["activation"])))
            elif kind == "MaxPooling2D":
                self.steps.append(("pool", (tuple(cfg["pool_size"]), tuple(cfg["strides"] or cfg["pool_size"]))))
            elif kind == "Flatten":
                self.steps.append(("flatten", None))
            elif kind == "Dense":
                w = torch.tensor(weights[f"{name}/kernel"]).t().contiguous()
                b = torch.tensor(weights[f"{name}/bias"])
                self.params.extend([torch.nn.Parameter(w, requires_grad=False), torch.nn.Parameter(b, requires_grad=False)])
                self.steps.append(("dense", (w, b, cfg["activation"])))
            elif kind in ("InputLayer", "Dropout"):
                continue
            else:
                raise SystemExit(f"torch reference: layer {kind} is not supported")

    def forward(self, x_nhwc):
        x = x_nhwc.permute(0, 3, 1, 2)
        for kind, args in self.steps:
            if kind == "conv":
                w, b, strides, padding, activation = args
                x = F.conv2d(x, w, b, stride=strides, padding="same" if padding == "same" else 0)
                x = F.relu(x) if activation == "relu" else x
            elif kind == "pool":
                x = F.max_pool2d(x, args[0], args[1])
            elif kind == "flatten":
                x = x.permute(0, 2, 3, 1).flatten(1)
            else:
                w, b, activation = args
                x = F.linear(x, w, b)
                x = F.relu(x) if activation == "relu" else x
        return x


def pgd(model, x0, labels, epsilon=0.1, steps=40, step_size=0.01, seed=0):
    """L-inf PGD with random start and per-sample early stop, as gauntlet's pgd plugin does."""
    generator = torch.Generator().manual_seed(seed)
    lower = (x0 - epsilon).clamp(0, 1)
    upper = (x0 + epsilon).clamp(0, 1)
    x = (x0 + epsilon * (2 * torch.rand(x0.shape, generator=generator) - 1)).clamp(lower, upper)
    active = torch.arange(len(x0))
    for _ in range(steps):
        xa = x[active].clone().requires_grad_(True)
        logits = model(xa)
        still = logits.argmax(1) == labels[active]
        loss = F.cross_entropy(logits, labels[active], reduction="sum")
        (grad,) = torch.autograd.grad(loss, xa)
        active = active[still]
        if len(active) == 0:
            break
        step = xa.detach()[still] + step_size * grad[still].sign()
        x[active] = torch.max(torch.min(step, upper[active]), lower[active])
    return x


def main():
    model_dir, images_path, batch, pgd_images, logits_out = sys.argv[1:6]
    batch, pgd_images = int(batch), int(pgd_images)
    labels_path = images_path.replace("images-idx3", "labels-idx1")
    count = max(batch, pgd_images)
    images = torch.tensor(read_idx_images(images_path, count))
    labels = torch.tensor(read_idx_labels(labels_path, count))
    model = TfjsSequential(*load_tfjs(model_dir)).eval()
    x = images[:batch]
    y = labels[:batch]

    with torch.no_grad():
        model(x).numpy().astype(np.float32).tofile(logits_out)

    def forward():
        with torch.no_grad():
            model(x)

    def gradient():
        xg = x.clone().requires_grad_(True)
        F.cross_entropy(model(xg), y, reduction="sum").backward()

    def attack():
        pgd(model, images[:pgd_images], labels[:pgd_images])

    commands = {"forward": (forward, batch), "gradient": (gradient, batch), "pgd": (attack, pgd_images)}
    warm = set()
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    for line in sys.stdin:
        # "<op>" or "<op> <calls>": one timed run of <calls> consecutive calls
        parts = line.split()
        name = parts[0] if parts else ""
        calls = int(parts[1]) if len(parts) > 1 else 1
        if name not in commands:
            raise SystemExit(f"torch reference: unknown command {name!r}")
        fn, n = commands[name]
        if name not in warm:
            fn()
            warm.add(name)
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        print(n * calls / (time.perf_counter() - start), flush=True)


main()
