//! Pages of the pipeline.
