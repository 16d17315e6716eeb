"""Looking inside a network, as plain numpy data for the pages to draw: forward
hooks on the named blocks (capture), what each layer computes and its weights
(layers), the network diagram (graph), outputs over the 2-D input plane (boundary)
and the budgeted probe a live page attaches to a run (live)."""
