"""Genomes and the variation operators of the evolutionary search."""

from automl.genome._encoding import GenomeEncoder
from automl.genome._genome import BlockGene, Genome
from automl.genome._operators import (
    check_genome,
    crossover,
    default_gene,
    default_genomes,
    fits_its_model,
    mutate,
    random_gene,
    sample_genome,
)
from automl.genome._portfolio import genome_in, pipeline_of, portfolio_genomes

__all__ = [
    "BlockGene",
    "Genome",
    "GenomeEncoder",
    "check_genome",
    "crossover",
    "default_gene",
    "default_genomes",
    "fits_its_model",
    "genome_in",
    "mutate",
    "pipeline_of",
    "portfolio_genomes",
    "random_gene",
    "sample_genome",
]
