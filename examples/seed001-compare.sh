#!/usr/bin/env bash
# Seed 001's comparison, redone: Keras model 1 (24-12, RMSprop 0.02) and model 2 (40-24-12,
# Nadam 0.02), both on raw data, against nnfit's default recipe, on the same 80 000 points.
# Prints the table (most accurate inside the domain first) and writes seed001-compare.html.
cd "$(dirname "$0")/.." && exec nnfit compare examples/seed001-model1.yaml examples/seed001-model2.yaml \
    examples/seed001-default.yaml --out seed001-compare.html "$@"
