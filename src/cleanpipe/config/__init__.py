"""Rules: YAML files validated once into frozen, typed objects."""

from cleanpipe.config.ruleset import RuleSet, default_rules_dir, load_rules

__all__ = ["RuleSet", "default_rules_dir", "load_rules"]
