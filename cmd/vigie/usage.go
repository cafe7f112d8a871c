package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// usageError is a wrong use of the command line: exit status 2, with a hint.
type usageError struct {
	message string
	hint    string
}

func (e *usageError) Error() string {
	if e.hint == "" {
		return e.message
	}
	return e.message + "\n" + e.hint
}

func usagef(hint, format string, args ...any) error {
	return &usageError{message: fmt.Sprintf(format, args...), hint: hint}
}

func helpHint(cmd *cobra.Command) string { return "voir « " + cmd.CommandPath() + " --help »" }

// exitCode decides the exit status from the error's type, never from its
// text: a usageError is 2; an error cobra returned before any command began
// its work (parsing, arguments) is a wrong use too, whatever it says; every
// other error is 1.
func exitCode(err error, began bool) int {
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue), !began:
		return exitUsage
	default:
		return exitFailed
	}
}

// markBegin wraps the RunE of every command of the tree so that began is set
// once a command starts its own work: an error before it comes from cobra's
// parsing of the command line.
func markBegin(c *cobra.Command, began *bool) {
	if run := c.RunE; run != nil {
		c.RunE = func(cmd *cobra.Command, args []string) error {
			*began = true
			return run(cmd, args)
		}
	}
	for _, sub := range c.Commands() {
		markBegin(sub, began)
	}
}

// flagError says in French what is wrong with a flag, from pflag's error types.
func flagError(cmd *cobra.Command, err error) error {
	var (
		notExist *pflag.NotExistError
		required *pflag.ValueRequiredError
		invalid  *pflag.InvalidValueError
		syntax   *pflag.InvalidSyntaxError
	)
	msg := err.Error()
	switch {
	case errors.As(err, &notExist):
		if s := notExist.GetSpecifiedShortnames(); s != "" {
			msg = fmt.Sprintf("option inconnue : -%s", s)
		} else {
			msg = fmt.Sprintf("option inconnue : --%s", notExist.GetSpecifiedName())
		}
	case errors.As(err, &required):
		msg = fmt.Sprintf("l'option --%s attend une valeur", required.GetFlag().Name)
	case errors.As(err, &invalid):
		msg = fmt.Sprintf("valeur %q invalide pour --%s (%s attendu)", invalid.GetValue(), invalid.GetFlag().Name, frenchType(invalid.GetFlag().Value.Type()))
	case errors.As(err, &syntax):
		msg = fmt.Sprintf("option mal écrite : %s", syntax.GetSpecifiedFlag())
	}
	return &usageError{message: msg, hint: helpHint(cmd)}
}

func frenchType(t string) string {
	switch t {
	case "int", "int64":
		return "un nombre entier"
	case "float64":
		return "un nombre"
	case "bool":
		return "true ou false"
	}
	return t
}

// noArgs refuses any argument: the command takes options only.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if cmd.HasSubCommands() {
		var names []string
		for _, c := range cmd.Commands() {
			if c.IsAvailableCommand() {
				names = append(names, c.Name())
			}
		}
		return &usageError{message: fmt.Sprintf("commande inconnue %q pour « %s » ; commandes : %s", args[0], cmd.CommandPath(), strings.Join(names, ", ")),
			hint: helpHint(cmd)}
	}
	return &usageError{message: fmt.Sprintf("« %s » ne prend pas d'argument, reçu %q", cmd.CommandPath(), strings.Join(args, " ")), hint: helpHint(cmd)}
}

// exactArgs wants n arguments exactly.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == n {
			return nil
		}
		return &usageError{message: fmt.Sprintf("« %s » attend %s, reçu %d", cmd.CommandPath(), frCount(n, "argument", "arguments"), len(args)),
			hint: "usage : " + frenchUsage.Replace(cmd.UseLine()) + " ; " + helpHint(cmd)}
	}
}

// groupCommand makes a command that only holds sub-commands print its help
// when called alone and refuse an unknown sub-command (exit 2).
func groupCommand(c *cobra.Command) {
	c.Args = noArgs
	c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
}

// usageTemplate is cobra's usage text in French.
const usageTemplate = `Utilisation :{{if .Runnable}}
  {{.UseLine | frenchUsage}}{{end}}{{if .HasAvailableSubCommands}}
  {{.CommandPath}} [commande]{{end}}{{if .HasExample}}

Exemples :
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}

Commandes :{{range .Commands}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

Options :
{{.LocalFlags.FlagUsages | frenchUsage | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableInheritedFlags}}

Options communes :
{{.InheritedFlags.FlagUsages | frenchUsage | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableSubCommands}}

« {{.CommandPath}} [commande] --help » pour l'aide d'une commande.{{end}}
`

// frenchUsage puts pflag's and cobra's words of a usage text in French.
var frenchUsage = strings.NewReplacer("[flags]", "[options]", "(default ", "(par défaut ",
	" string ", " texte  ", " strings ", " textes  ", " float ", " réel  ", " int ", " nbr ",
	" duration ", " durée    ")

// frenchHelp gives the command tree its help in French: the usage text, the
// --help and --version flags and the help command.
func frenchHelp(root *cobra.Command) {
	cobra.AddTemplateFunc("frenchUsage", frenchUsage.Replace)
	root.SetUsageTemplate(usageTemplate)
	root.CompletionOptions.DisableDefaultCmd = true
	root.PersistentFlags().BoolP("help", "h", false, "affiche cette aide")
	root.Flags().Bool("version", false, "affiche la version de vigie")
	root.SetVersionTemplate("vigie {{.Version}}\n")
	root.SetHelpCommand(&cobra.Command{
		Use:   "help [commande]",
		Short: "Affiche l'aide d'une commande",
		RunE: func(c *cobra.Command, args []string) error {
			cmd, rest, err := c.Root().Find(args)
			switch {
			case err == nil && cmd != nil && len(rest) > 0 && cmd.HasSubCommands():
				// vigie help nope, vigie help users nope: Find stops at
				// the last command it knows and leaves the rest.
				return noArgs(cmd, rest)
			case err != nil || cmd == nil || len(rest) > 0:
				return &usageError{message: fmt.Sprintf("commande inconnue %q", strings.Join(args, " ")), hint: helpHint(c.Root())}
			}
			return cmd.Help()
		},
	})
}
