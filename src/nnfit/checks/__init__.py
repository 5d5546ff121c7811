"""The doctor's checks, a module a stage: `before` training (the recipe and the data), `during`
it (a callback on the loss and gradient) and `after` it (the evaluation). Each returns `Finding`s
whose fixes never name a setting already in effect."""
