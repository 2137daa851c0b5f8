"""Build a tiny, real Argos Translate package (`.argosmodel`) for tests and benchmarks.

The package holds a SentencePiece model trained on a few hundred generated lines, a one-layer
CTranslate2 transformer with random weights, and a blank spaCy pipeline for offline sentence
splitting. Its output is gibberish, but installing, loading and translating it run the real
argostranslate and CTranslate2 code. Building one takes well under a second.

    python tests/tinymodel.py OUT_DIR [--from da] [--to en]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
import zipfile
from pathlib import Path

# Words from both sides of a GDPR case, so the vocabulary covers what tests feed it.
_VOCABULARY = (
    "data protection camera video surveillance employee employer fine bank consent cookie "
    "controller processor breach erasure access request article court authority decision "
    "ulovlig overvågning medarbejder kamera samtykke bøde persondata behandling udviklingsserver "
    "bitcoin datatilsynet klage afgørelse arbejdsgiver sletning indsigt oplysninger "
    "Videoüberwachung Arbeitnehmer Einwilligung Bußgeld Verantwortlicher Löschung Auskunft "
    "the of and to in for was with that on by is not a"
)
_WORDS = _VOCABULARY.split()

D_MODEL = 16
FFN = 32
EOS_ID = 2  # SentencePiece puts <unk>, <s>, </s> first


def _train_sentencepiece(workdir: Path, seed: int) -> Path:
    import sentencepiece as spm

    rng = random.Random(seed)
    lines = [" ".join(rng.choice(_WORDS) for _ in range(rng.randint(3, 12))) for _ in range(400)]
    corpus = workdir / "corpus.txt"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    prefix = workdir / "sentencepiece"
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(prefix),
        vocab_size=60,
        model_type="unigram",
        character_coverage=1.0,
        hard_vocab_limit=False,
        minloglevel=2,
    )
    return prefix.with_suffix(".model")


def _fill(spec: object, rng, d: int, ffn: int, vocab: int) -> None:
    """Give every unset weight of a CTranslate2 spec a small random array of the right shape."""
    import numpy as np
    from ctranslate2.specs import attention_spec, common_spec, model_spec, transformer_spec

    def rand(*shape: int):
        return (rng.standard_normal(shape) * 0.1).astype(np.float32)

    if isinstance(spec, common_spec.LayerNormSpec):
        spec.gamma = np.ones(d, dtype=np.float32)
        spec.beta = np.zeros(d, dtype=np.float32)
        return
    if isinstance(spec, common_spec.EmbeddingsSpec):
        spec.weight = rand(vocab, d)
        return
    if isinstance(spec, attention_spec.MultiHeadAttentionSpec):
        cross = len(spec.linear) == 3
        shapes = [(d, d), (2 * d, d), (d, d)] if cross else [(3 * d, d), (d, d)]
        for linear, shape in zip(spec.linear, shapes, strict=True):
            linear.weight = rand(*shape)
            linear.bias = np.zeros(shape[0], dtype=np.float32)
        _fill(spec.layer_norm, rng, d, ffn, vocab)
        return
    if isinstance(spec, transformer_spec.FeedForwardSpec):
        spec.linear_0.weight = rand(ffn, d)
        spec.linear_0.bias = np.zeros(ffn, dtype=np.float32)
        spec.linear_1.weight = rand(d, ffn)
        spec.linear_1.bias = np.zeros(d, dtype=np.float32)
        _fill(spec.layer_norm, rng, d, ffn, vocab)
        return
    if isinstance(spec, common_spec.LinearSpec):
        # The decoder's output projection: an end-of-sentence bias keeps output short.
        spec.weight = rand(vocab, d)
        bias = np.zeros(vocab, dtype=np.float32)
        bias[EOS_ID] = 8.0
        spec.bias = bias
        return
    if isinstance(spec, model_spec.LayerSpec):
        for value in vars(spec).values():
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, model_spec.LayerSpec):
                        _fill(item, rng, d, ffn, vocab)
            elif isinstance(value, model_spec.LayerSpec):
                _fill(value, rng, d, ffn, vocab)


def _build_ctranslate2(out: Path, pieces: list[str], seed: int) -> None:
    import numpy as np
    from ctranslate2.specs import transformer_spec

    spec = transformer_spec.TransformerSpec.from_config((1, 1), 2, pre_norm=True)
    _fill(spec.encoder, np.random.default_rng(seed), D_MODEL, FFN, len(pieces))
    _fill(spec.decoder, np.random.default_rng(seed + 1), D_MODEL, FFN, len(pieces))
    spec.register_source_vocabulary(pieces)
    spec.register_target_vocabulary(pieces)
    spec.validate()
    out.mkdir(parents=True, exist_ok=True)
    spec.save(str(out))


def build_tiny_model(
    out_dir: str | Path, from_code: str = "da", to_code: str = "en", *, seed: int = 7
) -> Path:
    """Write `<out_dir>/tiny-<from>_<to>.argosmodel` and return its path."""
    import sentencepiece as spm
    import spacy

    names = {"da": "Danish", "de": "German", "en": "English", "fr": "French", "es": "Spanish"}
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    name = f"tiny-{from_code}_{to_code}"
    with tempfile.TemporaryDirectory(prefix="gdprkb-tiny-") as tmp:
        work = Path(tmp)
        pkg = work / name
        pkg.mkdir()
        sp_model = _train_sentencepiece(work, seed)
        shutil.copy(sp_model, pkg / "sentencepiece.model")
        sp = spm.SentencePieceProcessor(model_file=str(sp_model))
        pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
        _build_ctranslate2(pkg / "model", pieces, seed)
        # A blank pipeline: argostranslate adds its own rule-based sentencizer to it.
        spacy.blank("xx").to_disk(pkg / "spacy")
        metadata = {
            "package_version": "0.0.1",
            "argos_version": "1.11.0",
            "from_code": from_code,
            "from_name": names.get(from_code, from_code),
            "to_code": to_code,
            "to_name": names.get(to_code, to_code),
            "type": "translate",
            "languages": [from_code, to_code],
            "note": "gdprkb test model: random weights, gibberish output",
        }
        (pkg / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
        target = out_dir / f"{name}.argosmodel"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(pkg.rglob("*")):
                zf.write(path, path.relative_to(work).as_posix())
    return target


def main() -> None:
    """Command-line entry: build one tiny package into a folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("--from", dest="from_code", default="da")
    parser.add_argument("--to", dest="to_code", default="en")
    args = parser.parse_args()
    print(build_tiny_model(args.out_dir, args.from_code, args.to_code))


if __name__ == "__main__":
    main()
